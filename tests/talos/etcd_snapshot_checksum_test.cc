#include "talos/etcd_snapshot_checksum.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <string>

namespace talos {
namespace {

// What etcd streams: the database, then its SHA-256.
std::string snapshot_of(const std::string& db) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(db.data(), db.size(), digest, &length, EVP_sha256(), nullptr);
  return db + std::string(reinterpret_cast<const char*>(digest), length);
}

void feed_in_pieces(EtcdSnapshotChecksum& checksum, const std::string& bytes, std::size_t piece) {
  for (std::size_t at = 0; at < bytes.size(); at += piece) {
    checksum.feed(std::string_view(bytes).substr(at, piece));
  }
}

TEST(EtcdSnapshotChecksum, AWholeSnapshotVerifiesHoweverItIsChunked) {
  const std::string snapshot = snapshot_of(std::string(100000, 'x') + "bbolt pages");
  for (std::size_t piece : {1u, 7u, 31u, 32u, 33u, 4096u, 1u << 20}) {
    EtcdSnapshotChecksum checksum;
    feed_in_pieces(checksum, snapshot, piece);
    EXPECT_TRUE(checksum.verify().ok()) << "chunks of " << piece;
    EXPECT_EQ(checksum.bytes(), snapshot.size());
  }
}

TEST(EtcdSnapshotChecksum, AFlippedByteOrATruncationFails) {
  std::string snapshot = snapshot_of("etcd database bytes");
  std::string flipped = snapshot;
  flipped[3] ^= 0x01;
  EtcdSnapshotChecksum damaged;
  damaged.feed(flipped);
  ASSERT_FALSE(damaged.verify().ok());
  EXPECT_EQ(damaged.verify().error().code, util::ErrorCode::InvalidInput);

  EtcdSnapshotChecksum truncated;
  truncated.feed(std::string_view(snapshot).substr(0, snapshot.size() - 1));
  EXPECT_FALSE(truncated.verify().ok());

  EtcdSnapshotChecksum tiny;
  tiny.feed("short");
  ASSERT_FALSE(tiny.verify().ok());
  EXPECT_NE(tiny.verify().error().message.find("too short"), std::string::npos);
}

}  // namespace
}  // namespace talos
