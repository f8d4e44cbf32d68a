// talos::EtcdSnapshotChecksum (see etcd_snapshot_checksum.h).
#include "talos/etcd_snapshot_checksum.h"

#include <openssl/evp.h>

#include <fmt/format.h>

namespace talos {

void EtcdSnapshotChecksum::CtxFree::operator()(evp_md_ctx_st* ctx) const { EVP_MD_CTX_free(ctx); }

EtcdSnapshotChecksum::EtcdSnapshotChecksum() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

EtcdSnapshotChecksum::~EtcdSnapshotChecksum() = default;

void EtcdSnapshotChecksum::feed(std::string_view chunk) {
  bytes_ += chunk.size();
  tail_.append(chunk);
  if (tail_.size() > kDigestSize) {
    const std::size_t settled = tail_.size() - kDigestSize;
    EVP_DigestUpdate(ctx_.get(), tail_.data(), settled);
    tail_.erase(0, settled);
  }
}

util::Result<void> EtcdSnapshotChecksum::verify() const {
  if (tail_.size() < kDigestSize) {
    return util::Error::invalid_input(fmt::format(
        "the etcd snapshot has {} bytes: too short to carry its SHA-256 (truncated?)", bytes_));
  }
  const std::unique_ptr<evp_md_ctx_st, CtxFree> copy(EVP_MD_CTX_new());
  EVP_MD_CTX_copy_ex(copy.get(), ctx_.get());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(copy.get(), digest, &length);
  if (std::string_view(reinterpret_cast<const char*>(digest), length) != tail_) {
    return util::Error::invalid_input(
        "the etcd snapshot's SHA-256 does not match its content: the file is damaged or "
        "truncated");
  }
  return {};
}

}  // namespace talos
