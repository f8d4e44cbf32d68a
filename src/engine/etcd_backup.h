// etcd snapshots as files: streamed from a control plane into a 0600 file that appears only once
// it is whole and its SHA-256 trailer checks out, and the automatic backups apply takes before it
// changes control planes (kept in one directory, the newest few).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "talos/api.h"
#include "util/result.h"

namespace engine {

struct SnapshotFile {
  std::string path;
  std::uint64_t bytes = 0;
};

// A failed stream or check leaves nothing at `path` (an older file there stays as it was).
util::Result<SnapshotFile> save_etcd_snapshot(talos::Api& control_plane, const std::string& path,
                                              const talos::StreamOptions& stream = {});

// Reads the file and checks its SHA-256 trailer; its size when whole.
util::Result<std::uint64_t> verify_etcd_snapshot_file(const std::string& path);

// <dir>/etcd-<UTC time as 20261126T031500Z>.snapshot: names sort by time.
std::string etcd_backup_path(const std::string& dir, std::chrono::system_clock::time_point when);

// Deletes all but the newest `keep` etcd-*.snapshot files in `dir`; the number deleted.
util::Result<std::size_t> rotate_etcd_backups(const std::string& dir, std::size_t keep);

}  // namespace engine
