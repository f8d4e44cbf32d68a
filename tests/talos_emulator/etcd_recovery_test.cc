// etcd disaster recovery through talforge's client (src/talos): EtcdSnapshot streams the member's
// data; after the only control plane is wiped and reinstalled, EtcdRecover uploads the snapshot
// and Bootstrap{recover_etcd: true} brings the same key/values back (talos.md §2.4).
#include <sstream>

#include <gtest/gtest.h>

#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

std::string snapshot_bytes(talos::Api& api, util::Result<std::uint64_t>* count) {
  std::ostringstream out;
  *count = talos::etcd_snapshot_to(api, out);
  return out.str();
}

TEST(EtcdRecovery, SnapshotThenWipeThenRecoverRestoresTheKeys) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(56, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const GeneratedNode& cp = cluster.nodes.front();
  auto state = emulator.find_node(cp.address)->snapshot().cluster;
  state->etcd.put("/registry/configmaps/default/keep-me", "precious");
  auto api = secure_client(cp.address, cluster.admin);

  // The snapshot is the member's data, the same bytes twice while nothing changes.
  util::Result<std::uint64_t> count = util::Error::internal("not run");
  const std::string snapshot = snapshot_bytes(*api, &count);
  ASSERT_TRUE(count.ok()) << count.error().describe();
  EXPECT_EQ(*count, snapshot.size());
  EXPECT_FALSE(snapshot.empty());
  EXPECT_EQ(snapshot, state->etcd.snapshot());
  EXPECT_EQ(snapshot_bytes(*api, &count), snapshot);
  EXPECT_NE(snapshot.find("keep-me"), std::string::npos);

  // A running etcd takes no recovery upload.
  {
    std::istringstream upload(snapshot);
    auto refused = api->etcd_recover(upload, {});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("not ready for recovery"), std::string::npos)
        << refused.error().describe();
  }

  // Disaster: the only control plane is wiped (non-graceful: the single member cannot leave).
  talos::ResetRequest wipe;
  wipe.graceful = false;
  wipe.reboot = true;
  ASSERT_TRUE(api->reset(wipe).ok());
  ASSERT_TRUE(wait_until([&] {
    return emulator.find_node(cp.address)->snapshot().stage ==
           machine::MachineStatusEvent::MAINTENANCE;
  })) << describe(emulator, cp.address);
  EXPECT_FALSE(state->etcd.bootstrapped());
  EXPECT_FALSE(state->etcd.get("/registry/configmaps/default/keep-me"));

  // Reinstall: the node waits for Bootstrap again; a corrupt upload is rejected first.
  auto maintenance = maintenance_client(cp.address);
  ASSERT_TRUE(wait_until([&] { return maintenance->disks().ok(); }));
  ASSERT_TRUE(maintenance->apply_configuration(cp.yaml, talos::ApplyMode::Auto, false).ok());
  ASSERT_TRUE(wait_until([&] { return api->version().ok(); })) << describe(emulator, cp.address);
  {
    std::string corrupt = snapshot;
    corrupt[corrupt.size() / 2] ^= 0x5a;
    std::istringstream upload(corrupt);
    auto rejected = api->etcd_recover(upload, {});
    ASSERT_FALSE(rejected.ok());
    EXPECT_EQ(rejected.error().code, util::ErrorCode::InvalidInput) << rejected.error().describe();
  }
  std::istringstream upload(snapshot);
  auto recovered = api->etcd_recover(upload, {});
  ASSERT_TRUE(recovered.ok()) << recovered.error().describe();
  util::Result<void> bootstrapped = util::Error::internal("not run");
  ASSERT_TRUE(wait_until([&] {
    return (bootstrapped = api->bootstrap({.recover_etcd = true})).ok();
  })) << bootstrapped.error().describe();
  ASSERT_TRUE(wait_until([&] { return node_ready(emulator, cp.address); }))
      << describe(emulator, cp.address);
  EXPECT_EQ(state->etcd.get("/registry/configmaps/default/keep-me").value_or(""), "precious");
  auto status = api->etcd_status();
  ASSERT_TRUE(status.ok()) << status.error().describe();
  EXPECT_TRUE(status->errors.empty());
  EXPECT_NE(status->leader, 0u);
}

}  // namespace
}  // namespace talos_emu_test
