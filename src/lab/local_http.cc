#include "lab/local_http.h"

#include <curl/curl.h>
#include <fmt/format.h>

#include "util/curl_global.h"

namespace lab {
namespace {

size_t collect(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

bool is_loopback_url(const std::string& url) {
  return url.rfind("http://127.", 0) == 0 || url.rfind("https://127.", 0) == 0;
}

}  // namespace

util::Result<LocalReply> local_request(const std::string& method, const std::string& url,
                                       const std::string& json_body) {
  if (!is_loopback_url(url)) {
    return util::Error::invalid_input(fmt::format("{} is not a lab (loopback) address", url));
  }
  util::curl_global_init_once();
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  LocalReply reply;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!json_body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (code != CURLE_OK) {
    return util::Error::unavailable(
        fmt::format("{} {}: {}", method, url, curl_easy_strerror(code)));
  }
  return reply;
}

}  // namespace lab
