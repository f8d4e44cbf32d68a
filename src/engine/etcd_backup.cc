// engine::save_etcd_snapshot and the backup directory (see etcd_backup.h).
#include "engine/etcd_backup.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <vector>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "talos/etcd_snapshot_checksum.h"
#include "util/file.h"

namespace engine {
namespace {

constexpr std::string_view kBackupPrefix = "etcd-";
constexpr std::string_view kBackupSuffix = ".snapshot";

bool is_backup_name(const std::string& name) {
  return name.size() > kBackupPrefix.size() + kBackupSuffix.size() &&
         name.starts_with(kBackupPrefix) && name.ends_with(kBackupSuffix);
}

}  // namespace

util::Result<SnapshotFile> save_etcd_snapshot(talos::Api& control_plane, const std::string& path,
                                              const talos::StreamOptions& stream) {
  ASSIGN_OR_RETURN(util::AtomicFileWriter file,
                   util::AtomicFileWriter::create(path, util::kSecretFileMode));
  talos::EtcdSnapshotChecksum checksum;
  ASSIGN_OR_RETURN(
      const std::uint64_t streamed,
      control_plane.etcd_snapshot(
          [&](std::string_view chunk) -> util::Result<void> {
            checksum.feed(chunk);
            return file.write(chunk);
          },
          stream));
  if (streamed != checksum.bytes()) {
    return util::Error::internal(fmt::format("the snapshot stream reported {} bytes but sent {}",
                                             streamed, checksum.bytes()));
  }
  RETURN_IF_ERROR(checksum.verify());
  RETURN_IF_ERROR(file.commit());
  return SnapshotFile{path, streamed};
}

util::Result<std::uint64_t> verify_etcd_snapshot_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return util::Error::not_found(fmt::format("cannot read {}", path));
  }
  talos::EtcdSnapshotChecksum checksum;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    checksum.feed(std::string_view(buffer.data(), static_cast<std::size_t>(in.gcount())));
  }
  if (in.bad()) {
    return util::Error::io(fmt::format("read {}", path));
  }
  if (util::Result<void> whole = checksum.verify(); !whole.ok()) {
    return std::move(whole).error().with_context(path);
  }
  return checksum.bytes();
}

std::string etcd_backup_path(const std::string& dir, std::chrono::system_clock::time_point when) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}/{}{:%Y%m%dT%H%M%SZ}{}", dir, kBackupPrefix, utc, kBackupSuffix);
}

util::Result<std::size_t> rotate_etcd_backups(const std::string& dir, std::size_t keep) {
  std::error_code ec;
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && is_backup_name(name)) {
      names.push_back(name);
    }
  }
  if (ec) {
    return util::Error::io(fmt::format("list {}: {}", dir, ec.message()));
  }
  std::sort(names.begin(), names.end());
  std::size_t deleted = 0;
  for (std::size_t i = 0; i + keep < names.size(); ++i) {
    if (std::filesystem::remove(dir + "/" + names[i], ec)) {
      ++deleted;
    }
  }
  return deleted;
}

}  // namespace engine
