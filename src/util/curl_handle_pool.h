// Idle libcurl easy handles kept for the next request. A reused handle keeps its live connection
// (no new TCP and TLS handshake per request) and libcurl's parsed CA store, which OpenSSL 3 takes
// milliseconds to build; a fresh handle per request made a 50-node `plan` spend 80% of its time
// parsing certificates. Header-only, so talforge_util itself needs no libcurl.
#pragma once

#include <curl/curl.h>

#include <mutex>
#include <vector>

namespace util {

class CurlHandlePool {
 public:
  CurlHandlePool() = default;
  CurlHandlePool(const CurlHandlePool&) = delete;
  CurlHandlePool& operator=(const CurlHandlePool&) = delete;
  ~CurlHandlePool() {
    for (CURL* handle : idle_) curl_easy_cleanup(handle);
  }

  // A handle with every option at its default; nullptr when libcurl cannot create one.
  CURL* acquire() {
    {
      std::lock_guard lock(mu_);
      if (!idle_.empty()) {
        CURL* handle = idle_.back();
        idle_.pop_back();
        curl_easy_reset(handle);
        return handle;
      }
    }
    return curl_easy_init();
  }

  void release(CURL* handle) {
    if (handle == nullptr) return;
    std::lock_guard lock(mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(handle);
      return;
    }
    curl_easy_cleanup(handle);
  }

 private:
  static constexpr std::size_t kMaxIdle = 16;
  std::mutex mu_;
  std::vector<CURL*> idle_;
};

// One request's handle and header list, back to the pool when the request is done.
class PooledCurl {
 public:
  explicit PooledCurl(CurlHandlePool& pool) : pool_(pool), curl(pool.acquire()) {}
  PooledCurl(const PooledCurl&) = delete;
  PooledCurl& operator=(const PooledCurl&) = delete;
  ~PooledCurl() {
    if (curl != nullptr) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);
    pool_.release(curl);
  }

 private:
  CurlHandlePool& pool_;

 public:
  CURL* const curl;
  curl_slist* headers = nullptr;
};

}  // namespace util
