// etcd backups and disaster recovery (issue #7): `talforge etcd snapshot` writes a verified 0600
// file; after every control plane lost its etcd data, `talforge etcd restore` brings the
// snapshot's key/values back and the cluster passes its health checks again.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;

std::string etcd_path(Lab& lab) { return "/v1/nodes/" + lab.address(11) + "/etcd"; }

void put_key(Lab& lab, const std::string& key, const std::string& value) {
  EXPECT_EQ(lab.talos_admin_post(etcd_path(lab) + "/keys", {{"key", key}, {"value", value}}), 200);
}

std::string value_of(Lab& lab, const std::string& key) {
  const nlohmann::json found = lab.talos_admin_get(etcd_path(lab) + "/keys?key=" + key);
  return found.is_null() ? "<absent>" : found["value"].get<std::string>();
}

// The Talos disaster-recovery case: etcd's data wiped on all control planes at once (talosctl
// reset --graceful=false --reboot --system-labels-to-wipe EPHEMERAL).
void wipe_etcd_everywhere(Lab& lab) {
  talos::ResetRequest wipe;
  wipe.graceful = false;
  wipe.reboot = true;
  wipe.system_partitions_to_wipe = {"EPHEMERAL"};
  for (int host : {11, 12, 13}) {
    auto api = lab.talos_admin(lab.address(host));
    ASSERT_NE(api, nullptr);
    auto reset = api->reset(wipe);
    ASSERT_TRUE(reset.ok()) << reset.error().describe();
  }
}

// Subnet 115.
TEST(EtcdE2e, SnapshotThenLoseEtcdOnEveryControlPlaneThenRestore) {
  Lab lab(115);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  put_key(lab, "/registry/configmaps/default/keep-me", "precious");

  const auto members = lab.talforge({"etcd", "members"});
  EXPECT_EQ(members.exit_code, 0) << members.err;
  EXPECT_THAT(members.out, HasSubstr("cp-3"));

  const auto snapshot = lab.talforge({"etcd", "snapshot", "-o", "backup.snapshot"});
  ASSERT_EQ(snapshot.exit_code, 0) << snapshot.out << snapshot.err;
  EXPECT_THAT(snapshot.out, HasSubstr("SHA-256 verified"));
  struct stat st {};
  ASSERT_EQ(stat((lab.dir() + "/backup.snapshot").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_GT(st.st_size, 32);
  // Without -o into out/, which a fresh checkout does not have (access then comes from the bundle).
  std::filesystem::rename(lab.dir() + "/out", lab.dir() + "/out-kept");
  const auto to_default = lab.talforge({"etcd", "snapshot"});
  EXPECT_EQ(to_default.exit_code, 0) << to_default.err;
  EXPECT_THAT(to_default.out, HasSubstr("wrote out/etcd-"));
  std::filesystem::remove_all(lab.dir() + "/out");
  std::filesystem::rename(lab.dir() + "/out-kept", lab.dir() + "/out");
  put_key(lab, "/registry/configmaps/default/after-the-snapshot", "lost");

  // A running etcd is never replaced.
  const auto refused = lab.talforge({"etcd", "restore", "backup.snapshot", "--yes"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("etcd is running"));
  EXPECT_EQ(value_of(lab, "/registry/configmaps/default/after-the-snapshot"), "lost");

  wipe_etcd_everywhere(lab);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  EXPECT_EQ(lab.talos_admin_get(etcd_path(lab))["bootstrapped"], false);

  const auto restored = lab.talforge({"etcd", "restore", "backup.snapshot", "--yes"});
  ASSERT_EQ(restored.exit_code, 0) << restored.out << restored.err;
  EXPECT_THAT(restored.out, HasSubstr("Restore complete"));
  EXPECT_EQ(value_of(lab, "/registry/configmaps/default/keep-me"), "precious");
  EXPECT_EQ(value_of(lab, "/registry/configmaps/default/after-the-snapshot"), "<absent>");
  const nlohmann::json etcd = lab.talos_admin_get(etcd_path(lab));
  EXPECT_EQ(etcd["members"].size(), 3u) << etcd.dump();
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

TEST(EtcdE2e, ADamagedSnapshotIsRefusedBeforeAnythingIsSent) {
  Lab lab(116);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  ASSERT_EQ(lab.talforge({"etcd", "snapshot", "-o", "backup.snapshot"}).exit_code, 0);
  {
    std::fstream file(lab.dir() + "/backup.snapshot", std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(10);
    file.put('\x5a');
  }
  const int calls_before = lab.talos_counters()["rpc_calls"].value("/machine.MachineService/EtcdRecover", 0);
  const auto refused = lab.talforge({"etcd", "restore", "backup.snapshot", "--yes"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("SHA-256 does not match"));
  EXPECT_EQ(lab.talos_counters()["rpc_calls"].value("/machine.MachineService/EtcdRecover", 0),
            calls_before);
}

}  // namespace
}  // namespace e2e
