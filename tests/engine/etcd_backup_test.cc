#include "engine/etcd_backup.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "util/file.h"

namespace engine {
namespace {

TEST(EtcdBackupPath, NamesSortByTimeInUtc) {
  const auto when = std::chrono::system_clock::from_time_t(1795662900);  // 2026-11-26 03:15:00 UTC
  EXPECT_EQ(etcd_backup_path("out/etcd-backups", when),
            "out/etcd-backups/etcd-20261126T031500Z.snapshot");
  EXPECT_LT(etcd_backup_path("d", when), etcd_backup_path("d", when + std::chrono::seconds(1)));
}

TEST(RotateEtcdBackups, KeepsTheNewestAndTouchesNothingElse) {
  char pattern[] = "/tmp/talforge-backups-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  for (const char* name : {"etcd-20261126T010000Z.snapshot", "etcd-20261126T020000Z.snapshot",
                           "etcd-20261126T030000Z.snapshot", "notes.txt", "etcd-keep-me.txt"}) {
    ASSERT_TRUE(util::write_file_atomic(dir + "/" + name, "x", 0600).ok());
  }
  const util::Result<std::size_t> deleted = rotate_etcd_backups(dir, 2);
  ASSERT_TRUE(deleted.ok()) << deleted.error().describe();
  EXPECT_EQ(*deleted, 1u);
  std::set<std::string> left;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    left.insert(entry.path().filename().string());
  }
  EXPECT_EQ(left, (std::set<std::string>{"etcd-20261126T020000Z.snapshot",
                                         "etcd-20261126T030000Z.snapshot", "notes.txt",
                                         "etcd-keep-me.txt"}));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace engine
