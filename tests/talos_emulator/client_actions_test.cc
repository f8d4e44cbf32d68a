// talforge's client (src/talos) driving the emulator: calls proxied through one control plane
// with `node` / `nodes` metadata (talos.md §1.5), Shutdown (events carry the returned actor id,
// the VM powers off) and Reset (STATE+EPHEMERAL → maintenance with Talos still installed; the
// whole disk → powered off and blank; a single etcd member must reset non-gracefully).
#include <algorithm>

#include <gtest/gtest.h>

#include "talos_emulator/cluster_support.h"
#include "talos_emulator/stream_collector.h"

namespace talos_emu_test {
namespace {

TEST(ClientActions, ProxiedCallsReachTheWorkerUntilItShutsDown) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(53, 1, 1);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string cp = cluster.node("cp-1").address;
  const std::string worker = cluster.node("w-1").address;
  const std::string nobody = "127.10.53.99";  // no VM there

  // One-to-one: every call goes through the control plane to the worker.
  auto via_cp = secure_client(cp, cluster.admin, worker);
  auto hostname = via_cp->hostname();
  ASSERT_TRUE(hostname.ok()) << hostname.error().describe();
  EXPECT_EQ(hostname->hostname, "w-1");
  auto services = via_cp->service_list();
  ASSERT_TRUE(services.ok()) << services.error().describe();
  EXPECT_TRUE(std::none_of(services->begin(), services->end(), [](const talos::ServiceInfo& s) {
    return s.id == "etcd";
  })) << "the worker's services were expected, not the control plane's";
  EXPECT_FALSE(via_cp->etcd_status().ok()) << "etcd runs on control planes only";

  // One-to-many: one result per node in the order asked, an unreachable node fails alone.
  auto cp_api = secure_client(cp, cluster.admin);
  auto versions = cp_api->version_on({worker, cp, nobody});
  ASSERT_TRUE(versions.ok()) << versions.error().describe();
  ASSERT_EQ(versions->size(), 3u);
  EXPECT_EQ((*versions)[0].node, worker);
  ASSERT_TRUE((*versions)[0].value.ok());
  EXPECT_EQ((*versions)[0].value->tag, "v1.11.6");
  EXPECT_EQ((*versions)[1].node, cp);
  EXPECT_TRUE((*versions)[1].value.ok());
  EXPECT_EQ((*versions)[2].node, nobody);
  ASSERT_FALSE((*versions)[2].value.ok());
  EXPECT_EQ((*versions)[2].value.error().code, util::ErrorCode::Unavailable)
      << (*versions)[2].value.error().describe();

  // Shutdown through the control plane; the worker's events (read through the control plane
  // too) carry the actor id the reply returned, until the VM is off and the stream ends.
  auto events_reader = secure_client(cp, cluster.admin, worker);
  talos::StreamOptions stream;
  stream.timeout = std::chrono::seconds(8);
  talos::EventsRequest last_one;
  last_one.tail_events = 1;  // its arrival shows the stream is open
  StreamCollector<talos::Event> collector(
      [&](const auto& sink) { return events_reader->events(last_one, sink, stream); },
      [](const talos::Event&) { return false; });
  ASSERT_TRUE(wait_until([&] { return !collector.items().empty(); }));
  auto ack = via_cp->shutdown(false);
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  EXPECT_FALSE(ack->actor_id.empty());
  ASSERT_TRUE(wait_until([&] { return !emulator.find_node(worker)->snapshot().powered; }));
  collector.join();
  EXPECT_TRUE(collector.result().ok()) << collector.result().error().describe();
  const auto events = collector.items();
  auto shutdown_start = std::find_if(events.begin(), events.end(), [](const talos::Event& e) {
    return e.type == "machine.SequenceEvent" && e.name == "shutdown" && e.action == "start";
  });
  ASSERT_NE(shutdown_start, events.end());
  EXPECT_EQ(shutdown_start->actor_id, ack->actor_id);
  EXPECT_TRUE(std::any_of(events.begin(), events.end(), [](const talos::Event& e) {
    return e.type == "machine.MachineStatusEvent" && e.machine_stage == "shutting down";
  }));

  // Powered off: unreachable directly and through the control plane; the control plane is fine.
  auto direct = secure_client(worker, cluster.admin)->version();
  ASSERT_FALSE(direct.ok());
  EXPECT_EQ(direct.error().code, util::ErrorCode::Unavailable) << direct.error().describe();
  auto after = cp_api->version_on({cp, worker});
  ASSERT_TRUE(after.ok()) << after.error().describe();
  EXPECT_TRUE((*after)[0].value.ok());
  EXPECT_FALSE((*after)[1].value.ok());
  auto kube = emulator.find_node(cp)->snapshot().cluster->kube;
  EXPECT_FALSE(kube->node_ready("w-1"));
}

talos::ResetRequest wipe_state_and_ephemeral() {
  talos::ResetRequest request;
  request.reboot = true;
  request.system_partitions_to_wipe = {"STATE", "EPHEMERAL"};
  return request;
}

TEST(ClientActions, ResetReturnsToMaintenanceOrPowersOffBlank) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(54, 1, 2);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string cp = cluster.node("cp-1").address;
  const std::string w1 = cluster.node("w-1").address;
  const std::string w2 = cluster.node("w-2").address;
  auto kube = emulator.find_node(cp)->snapshot().cluster->kube;
  ASSERT_TRUE(kube->node_exists("w-1"));

  // STATE + EPHEMERAL with reboot: Talos stays installed, the config is gone → maintenance.
  auto ack = secure_client(w1, cluster.admin)->reset(wipe_state_and_ephemeral());
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  EXPECT_FALSE(ack->actor_id.empty());
  ASSERT_TRUE(wait_until([&] {
    return emulator.find_node(w1)->snapshot().stage == machine::MachineStatusEvent::MAINTENANCE;
  })) << describe(emulator, w1);
  auto s1 = emulator.find_node(w1)->snapshot();
  EXPECT_TRUE(s1.powered);
  EXPECT_TRUE(s1.disk.installed);
  EXPECT_TRUE(s1.disk.config_yaml.empty());
  EXPECT_EQ(s1.running_version, "v1.11.6");
  EXPECT_FALSE(kube->node_exists("w-1")) << "a graceful reset removes its Node";
  auto maintenance = maintenance_client(w1);
  ASSERT_TRUE(wait_until([&] { return maintenance->disks().ok(); }));
  EXPECT_FALSE(secure_client(w1, cluster.admin)->version().ok());

  // Defaults (whole system disk, no reboot): the VM powers off with a blank disk.
  auto wiped = secure_client(w2, cluster.admin)->reset(talos::ResetRequest{});
  ASSERT_TRUE(wiped.ok()) << wiped.error().describe();
  ASSERT_TRUE(wait_until([&] { return !emulator.find_node(w2)->snapshot().powered; }))
      << describe(emulator, w2);
  EXPECT_FALSE(emulator.find_node(w2)->snapshot().disk.installed);
  EXPECT_EQ(emulator.counters().values().resets, 2);

  // The only etcd member cannot leave: a graceful reset is refused and nothing happens.
  auto refused = secure_client(cp, cluster.admin)->reset(talos::ResetRequest{});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("leave etcd"), std::string::npos)
      << refused.error().describe();
  EXPECT_TRUE(node_ready(emulator, cp));
  EXPECT_EQ(emulator.counters().values().resets, 2);
}

}  // namespace
}  // namespace talos_emu_test
