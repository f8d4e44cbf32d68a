// The client's actions (upgrade, rollback, reboot, shutdown, reset, etcd membership), its extra
// reads (hostname, etcd status) and the `nodes` fan-out, against FakeTalos over real TLS.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/client_fixture.h"

namespace {

using talos_test::client_pki;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Actions : public talos_test::ClientTest {};

TEST_F(Actions, UpgradeSendsEveryOptionAndReturnsTheAck) {
  auto ack = admin()->upgrade({.image = "factory.talos.dev/installer/abc:v1.12.1",
                               .stage = true,
                               .force = true,
                               .reboot_mode = talos::RebootMode::Powercycle});
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  EXPECT_EQ(ack->ack, "Upgrade request received");
  EXPECT_EQ(ack->actor_id, "actor-upgrade");
  const auto seen = node_.seen();
  EXPECT_EQ(seen.upgrade.image(), "factory.talos.dev/installer/abc:v1.12.1");
  EXPECT_TRUE(seen.upgrade.stage());
  EXPECT_TRUE(seen.upgrade.force());
  EXPECT_EQ(seen.upgrade.reboot_mode(), machine::UpgradeRequest::POWERCYCLE);
  EXPECT_FALSE(seen.upgrade.preserve());
}

TEST_F(Actions, UpgradeRefusesForceRebootModeLocally) {
  auto ack = admin()->upgrade({.image = "x", .reboot_mode = talos::RebootMode::Force});
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, util::ErrorCode::InvalidInput);
  EXPECT_EQ(node_.seen().calls["Upgrade"], 0);
}

TEST_F(Actions, ReaderCannotUpgradeAndIsToldWhichRoleIsMissing) {
  auto ack = as(client_pki().reader)->upgrade({.image = "x"});
  ASSERT_FALSE(ack.ok());
  EXPECT_EQ(ack.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(ack.error().message, HasSubstr("needs os:admin"));
  EXPECT_THAT(ack.error().message, HasSubstr("the client certificate has os:reader"));
  EXPECT_THAT(ack.error().hint, HasSubstr("talforge talosconfig --role os:admin"));
}

TEST_F(Actions, OperatorMayRebootButNotReset) {
  auto op = as(client_pki().operator_);
  auto reboot = op->reboot(talos::RebootMode::Force);
  ASSERT_TRUE(reboot.ok()) << reboot.error().describe();
  EXPECT_EQ(reboot->actor_id, "actor-reboot");
  EXPECT_EQ(node_.seen().reboot.mode(), machine::RebootRequest::FORCE);
  auto reset = op->reset({});
  ASSERT_FALSE(reset.ok());
  EXPECT_EQ(reset.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(reset.error().message, HasSubstr("Reset refused"));
}

TEST_F(Actions, ReaderCannotRebootAndHearsOperatorWouldDo) {
  auto reboot = as(client_pki().reader)->reboot(talos::RebootMode::Default);
  ASSERT_FALSE(reboot.ok());
  EXPECT_THAT(reboot.error().message, HasSubstr("needs os:operator or os:admin"));
}

TEST_F(Actions, ShutdownPassesForce) {
  auto ack = admin()->shutdown(true);
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  EXPECT_EQ(ack->actor_id, "actor-shutdown");
  EXPECT_TRUE(node_.seen().shutdown.force());
}

TEST_F(Actions, ResetToMaintenanceWipesOnlyTheNamedPartitions) {
  auto ack = admin()->reset({.graceful = false,
                             .reboot = true,
                             .mode = talos::WipeMode::SystemDisk,
                             .system_partitions_to_wipe = {"STATE", "EPHEMERAL"},
                             .user_disks_to_wipe = {}});
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  const auto r = node_.seen().reset;
  EXPECT_FALSE(r.graceful());
  EXPECT_TRUE(r.reboot());
  EXPECT_EQ(r.mode(), machine::ResetRequest::SYSTEM_DISK);
  ASSERT_EQ(r.system_partitions_to_wipe_size(), 2);
  EXPECT_EQ(r.system_partitions_to_wipe(0).label(), "STATE");
  EXPECT_TRUE(r.system_partitions_to_wipe(0).wipe());
  EXPECT_EQ(r.system_partitions_to_wipe(1).label(), "EPHEMERAL");
}

TEST_F(Actions, ResetDefaultsAreGracefulPowerOffOfTheWholeDisk) {
  ASSERT_TRUE(admin()->reset({}).ok());
  const auto r = node_.seen().reset;
  EXPECT_TRUE(r.graceful());
  EXPECT_FALSE(r.reboot());
  EXPECT_EQ(r.system_partitions_to_wipe_size(), 0);
}

TEST_F(Actions, RollbackFailureKeepsTheTalosReason) {
  node_.script().fail_next["Rollback"].push_back(
      grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "system disk not found"));
  auto done = admin()->rollback();
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, util::ErrorCode::Conflict);
  EXPECT_THAT(done.error().message, HasSubstr("Rollback on " + node_.endpoint()));
  EXPECT_THAT(done.error().message, HasSubstr("system disk not found"));
  EXPECT_TRUE(admin()->rollback().ok());
}

TEST_F(Actions, ActionsAreNeverRetried) {
  node_.script().fail_next["Reboot"].push_back(
      grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"));
  EXPECT_FALSE(admin()->reboot(talos::RebootMode::Default).ok());
  EXPECT_EQ(node_.seen().calls["Reboot"], 1);
}

TEST_F(Actions, RemovesAnEtcdMemberByIdAndReportsAnUnknownOne) {
  ASSERT_TRUE(admin()->etcd_remove_member(0x1a2b3c4d5e6f7081).ok());
  EXPECT_EQ(node_.seen().removed_member, 0x1a2b3c4d5e6f7081u);
  auto unknown = admin()->etcd_remove_member(7);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(unknown.error().message, HasSubstr("EtcdRemoveMemberByID"));
}

TEST_F(Actions, LeavesEtcdAndForfeitsLeadership) {
  EXPECT_TRUE(admin()->etcd_leave_cluster().ok());
  auto leader = admin()->etcd_forfeit_leadership();
  ASSERT_TRUE(leader.ok()) << leader.error().describe();
  EXPECT_EQ(*leader, "cp-2");
}

TEST_F(Actions, ReadsHostnameAndEtcdStatus) {
  auto host = as(client_pki().reader)->hostname();
  ASSERT_TRUE(host.ok()) << host.error().describe();
  EXPECT_EQ(host->hostname, "talos-fake");
  auto status = as(client_pki().backup)->etcd_status();
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_EQ(status->member_id, 0x1a2b3c4d5e6f7081u);
  EXPECT_EQ(status->leader, status->member_id);
  EXPECT_EQ(status->db_size, 20480);
  EXPECT_EQ(status->storage_version, "3.5.0");
}

TEST_F(Actions, FanOutSendsEveryNodeAndKeepsAFailedNodeApart) {
  node_.script().down_nodes = {"127.0.0.12"};
  auto results = admin()->version_on({"127.0.0.11", "127.0.0.12", "127.0.0.13"});
  ASSERT_TRUE(results.ok()) << results.error().describe();
  EXPECT_THAT(node_.seen().nodes_metadata, ElementsAre("127.0.0.11", "127.0.0.12", "127.0.0.13"));
  EXPECT_TRUE(node_.seen().node_metadata.empty());
  ASSERT_EQ(results->size(), 3u);
  EXPECT_EQ((*results)[0].node, "127.0.0.11");
  ASSERT_TRUE((*results)[0].value.ok());
  EXPECT_EQ((*results)[0].value->tag, "v1.11.6");
  ASSERT_FALSE((*results)[1].value.ok());
  EXPECT_EQ((*results)[1].value.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT((*results)[1].value.error().message, HasSubstr("node 127.0.0.12 via"));
  EXPECT_THAT((*results)[1].value.error().message, HasSubstr("connection refused"));
  EXPECT_TRUE((*results)[2].value.ok());
}

TEST_F(Actions, FanOutServiceListPerNode) {
  node_.script().down_nodes = {"127.0.0.11"};
  auto results = admin()->service_list_on({"127.0.0.11", "127.0.0.12"});
  ASSERT_TRUE(results.ok()) << results.error().describe();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_FALSE((*results)[0].value.ok());
  ASSERT_TRUE((*results)[1].value.ok());
  ASSERT_EQ((*results)[1].value->size(), 1u);
  EXPECT_EQ((*results)[1].value->at(0).id, "etcd");
}

TEST_F(Actions, FanOutWithoutNodesIsRefused) {
  auto results = admin()->version_on({});
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().code, util::ErrorCode::InvalidInput);
}

TEST_F(Actions, FanOutThroughADownEndpointFailsAsAWhole) {
  auto api = talos_test::connect_api(talos_test::secure_options(
      "127.0.0.1:" + std::to_string(talos_test::closed_port()), client_pki().admin));
  auto results = api->version_on({"127.0.0.11"});
  ASSERT_FALSE(results.ok());
  EXPECT_EQ(results.error().code, util::ErrorCode::Unavailable);
}

}  // namespace

namespace {

// talosconfig keys as Talos writes them (talos.md §1.4): PKCS#8 under "ED25519 PRIVATE KEY".
TEST_F(Actions, AcceptsAClientKeyUnderTheTalosEd25519Label) {
  talos_test::Pem relabelled = client_pki().admin;
  for (const char* edge : {"BEGIN", "END"}) {
    const std::string standard = std::string("-----") + edge + " PRIVATE KEY-----";
    const size_t at = relabelled.key.find(standard);
    ASSERT_NE(at, std::string::npos) << relabelled.key.substr(0, 40);
    relabelled.key.replace(at, standard.size(),
                           std::string("-----") + edge + " ED25519 PRIVATE KEY-----");
  }
  auto version = as(relabelled)->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
}

}  // namespace
