// Criterion 4: an upgrade boots the new version (its events carry the reply's actor id); an
// upgrade whose image is marked bad comes back on the old version (A/B fallback), and the client
// sees that.
#include <algorithm>
#include <functional>

#include <gtest/gtest.h>

#include "machine/machine.grpc.pb.h"
#include "talos_emulator/cluster_support.h"
#include "talos_emulator/stream_collector.h"

namespace talos_emu_test {
namespace {

grpc::Status upgrade(const GeneratedCluster& cluster, const std::string& address,
                     const std::string& image) {
  auto stub = machine::MachineService::NewStub(secure_channel(address, cluster.admin));
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(3));
  machine::UpgradeRequest request;
  request.set_image(image);
  machine::UpgradeResponse response;
  auto status = stub->Upgrade(&ctx, request, &response);
  if (status.ok()) {
    EXPECT_EQ(response.messages_size(), 1);
    EXPECT_EQ(response.messages(0).ack(), "Upgrade request received");
  }
  return status;
}

// Upgrade sequence (with the reply's actor id) → stage upgrading → kexec phase → sequence ends
// → stage rebooting, in that order.
void expect_upgrade_events(const std::vector<talos::Event>& events, const std::string& actor) {
  auto is = [](const char* type, const char* name, const char* action) {
    return [=](const talos::Event& e) {
      return e.type == type && e.name == name && e.action == action;
    };
  };
  auto stage = [](const char* name) {
    return [=](const talos::Event& e) {
      return e.type == "machine.MachineStatusEvent" && e.machine_stage == name;
    };
  };
  const std::vector<std::pair<std::string, std::function<bool(const talos::Event&)>>> steps = {
      {"upgrade sequence starts", is("machine.SequenceEvent", "upgrade", "start")},
      {"stage upgrading", stage("upgrading")},
      {"kexec phase starts", is("machine.PhaseEvent", "kexec", "start")},
      {"upgrade sequence ends", is("machine.SequenceEvent", "upgrade", "stop")},
      {"stage rebooting", stage("rebooting")},
  };
  auto at = events.begin();
  for (const auto& [what, match] : steps) {
    at = std::find_if(at, events.end(), match);
    ASSERT_NE(at, events.end()) << what << " missing or out of order";
    if (at->type != "machine.MachineStatusEvent") {
      EXPECT_EQ(at->actor_id, actor) << what;
    }
  }
}

std::string version_of(const std::unique_ptr<talos::Api>& api) {
  auto v = api->version();
  return v.ok() ? v->tag : "";
}

TEST(Upgrade, NewVersionBootsAndBadImageFallsBack) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(43, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string address = cluster.nodes.front().address;
  auto api = secure_client(address, cluster.admin);
  ASSERT_EQ(version_of(api), "v1.11.6");
  const auto before = emulator.find_node(address)->snapshot();
  const std::vector<std::string> workloads =
      before.cluster->kube->evictable_pods_on_node(before.hostname);
  ASSERT_FALSE(workloads.empty()) << "the only node runs CoreDNS, which a drain evicts";
  EXPECT_EQ(std::count_if(workloads.begin(), workloads.end(),
                          [](const std::string& pod) {
                            return pod.find("/kube-apiserver-") != std::string::npos ||
                                   (pod.find("/cilium-") != std::string::npos &&
                                    pod.find("/cilium-operator") == std::string::npos);
                          }),
            0)
      << "static and DaemonSet pods stay";

  // The upgrade through talforge's client, its events read on the node until it reboots.
  auto events_reader = secure_client(address, cluster.admin);
  talos::EventsRequest last_one;
  last_one.tail_events = 1;  // its arrival shows the stream is open
  talos::StreamOptions stream;
  stream.timeout = std::chrono::seconds(8);
  StreamCollector<talos::Event> events(
      [&](const auto& sink) { return events_reader->events(last_one, sink, stream); },
      [](const talos::Event&) { return false; });
  ASSERT_TRUE(wait_until([&] { return !events.items().empty(); }));
  talos::UpgradeRequest request;
  request.image = "ghcr.io/siderolabs/installer:v1.12.0";
  auto ack = api->upgrade(request);
  ASSERT_TRUE(ack.ok()) << ack.error().describe();
  EXPECT_EQ(ack->ack, "Upgrade request received");
  EXPECT_EQ(emulator.counters().values().undrained_upgrades, 1) << "nobody drained the node";
  ASSERT_TRUE(wait_until([&] {
    return version_of(api) == "v1.12.0" && node_ready(emulator, address);
  })) << describe(emulator, address);
  events.join();  // the node's apid went away with the reboot
  expect_upgrade_events(events.items(), ack->actor_id);
  auto s = emulator.find_node(address)->snapshot();
  EXPECT_EQ(s.disk.slots[s.disk.active].version, "v1.12.0");
  EXPECT_EQ(s.disk.slots[1 - s.disk.active].version, "v1.11.6");

  talos_emu::Faults faults;
  faults.upgrade_boots_bad = true;
  emulator.find_node(address)->set_faults(faults);
  ASSERT_TRUE(upgrade(cluster, address, "ghcr.io/siderolabs/installer:v1.12.1").ok());
  ASSERT_TRUE(wait_until([&] { return emulator.counters().values().upgrade_fallbacks == 1; }));
  ASSERT_TRUE(wait_until([&] { return node_ready(emulator, address); }))
      << describe(emulator, address);
  EXPECT_EQ(version_of(api), "v1.12.0");

  auto bad = upgrade(cluster, address, "not an image");
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(emulator.counters().values().upgrades, 2);
}

TEST(Upgrade, RollbackReturnsToThePreviousSlot) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(44, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string address = cluster.nodes.front().address;
  auto api = secure_client(address, cluster.admin);
  // LifecycleService exists from v1.13 only: a v1.11 node does not know it.
  talos::LifecycleUpgradeRequest lifecycle;
  lifecycle.image = "ghcr.io/siderolabs/installer:v1.12.0";
  auto unknown = api->lifecycle_upgrade(lifecycle, [](const std::string&) { return true; }, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().describe().find("unknown service"), std::string::npos)
      << unknown.error().describe();
  EXPECT_EQ(emulator.counters().values().upgrades, 0);
  auto stub = machine::MachineService::NewStub(secure_channel(address, cluster.admin));
  {
    grpc::ClientContext ctx;
    machine::RollbackResponse response;
    auto status = stub->Rollback(&ctx, machine::RollbackRequest{}, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);  // no previous slot
  }
  ASSERT_TRUE(upgrade(cluster, address, "ghcr.io/siderolabs/installer:v1.12.0").ok());
  ASSERT_TRUE(wait_until([&] { return version_of(api) == "v1.12.0" && node_ready(emulator, address); }));
  grpc::ClientContext ctx;
  machine::RollbackResponse response;
  ASSERT_TRUE(stub->Rollback(&ctx, machine::RollbackRequest{}, &response).ok());
  ASSERT_TRUE(wait_until([&] { return version_of(api) == "v1.11.6" && node_ready(emulator, address); }))
      << describe(emulator, address);
}

// v1.13+: ImageService.Pull, then LifecycleService.Upgrade streams progress and installs the
// pulled image into the inactive slot without rebooting (as Talos: the reboot is a separate
// call); after Reboot the node runs the new version.
TEST(Upgrade, LifecycleServiceInstallsThePulledImageOnV113) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(45, 1, 0, "emu", "v1.13.9");
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string address = cluster.nodes.front().address;
  auto api = secure_client(address, cluster.admin);
  ASSERT_EQ(version_of(api), "v1.13.9");

  talos::LifecycleUpgradeRequest request;
  request.image = "ghcr.io/siderolabs/installer:v1.14.0";
  std::vector<std::string> lines;
  talos::StreamOptions stream;
  stream.timeout = std::chrono::seconds(5);
  auto upgraded = api->lifecycle_upgrade(
      request, [&](const std::string& line) { lines.push_back(line); return true; }, stream);
  ASSERT_TRUE(upgraded.ok()) << upgraded.error().describe();
  auto pulled = std::find(lines.begin(), lines.end(), "pulled " + request.image);
  ASSERT_NE(pulled, lines.end());
  EXPECT_TRUE(std::any_of(pulled, lines.end(), [](const std::string& l) {
    return l.find("inactive boot slot") != std::string::npos;
  }));
  // Installed, not booted: the node keeps running the old version until the caller reboots it.
  auto installed = emulator.find_node(address)->snapshot();
  EXPECT_EQ(installed.stage, machine::MachineStatusEvent::RUNNING);
  EXPECT_EQ(version_of(api), "v1.13.9");
  EXPECT_EQ(installed.disk.slots[1 - installed.disk.active].version, "v1.14.0");
  EXPECT_EQ(emulator.counters().values().upgrades, 1);

  ASSERT_TRUE(api->reboot(talos::RebootMode::Default).ok());
  ASSERT_TRUE(wait_until([&] { return version_of(api) == "v1.14.0" && node_ready(emulator, address); }))
      << describe(emulator, address);
  auto s = emulator.find_node(address)->snapshot();
  EXPECT_EQ(s.disk.slots[s.disk.active].version, "v1.14.0");
  EXPECT_EQ(s.disk.slots[1 - s.disk.active].version, "v1.13.9");
}

}  // namespace
}  // namespace talos_emu_test
