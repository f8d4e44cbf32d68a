// The integrity check of an etcd snapshot: etcd appends the SHA-256 of the database to every
// snapshot it streams (the last 32 bytes), so a truncated or altered file is told apart from a
// whole one without knowing the database format. Fed chunk by chunk, as the snapshot streams.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

struct evp_md_ctx_st;

namespace talos {

class EtcdSnapshotChecksum {
 public:
  static constexpr std::size_t kDigestSize = 32;

  EtcdSnapshotChecksum();
  ~EtcdSnapshotChecksum();
  EtcdSnapshotChecksum(const EtcdSnapshotChecksum&) = delete;
  EtcdSnapshotChecksum& operator=(const EtcdSnapshotChecksum&) = delete;

  void feed(std::string_view chunk);
  std::uint64_t bytes() const { return bytes_; }
  // InvalidInput when the snapshot is shorter than its digest or the digest does not match.
  util::Result<void> verify() const;

 private:
  struct CtxFree {
    void operator()(evp_md_ctx_st* ctx) const;
  };
  std::unique_ptr<evp_md_ctx_st, CtxFree> ctx_;
  std::string tail_;  // the last bytes seen, not hashed yet: they may be the digest
  std::uint64_t bytes_ = 0;
};

}  // namespace talos
