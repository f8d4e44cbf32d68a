// talforge's client (src/talos) reading the emulator's streams: the Events a control plane
// buffered since it booted configured (typed payloads, in order) and the live ones up to
// `running` after Bootstrap; a COSI watch's bootstrap contents, BOOTSTRAPPED marker and update.
#include <algorithm>
#include <atomic>
#include <functional>

#include <gtest/gtest.h>

#include "talos_emulator/cluster_support.h"
#include "talos_emulator/stream_collector.h"

namespace talos_emu_test {
namespace {

talos::StreamOptions short_stream() {
  talos::StreamOptions options;
  options.timeout = std::chrono::seconds(8);
  return options;
}

bool is_running_and_ready(const talos::Event& e) {
  return e.type == "machine.MachineStatusEvent" && e.machine_stage == "running" && e.machine_ready;
}

// Index of the first event matching, or -1.
int find_event(const std::vector<talos::Event>& events,
               const std::function<bool(const talos::Event&)>& match, int from = 0) {
  for (int i = from; i < static_cast<int>(events.size()); ++i) {
    if (match(events[i]))
      return i;
  }
  return -1;
}

auto stage(const std::string& name) {
  return [name](const talos::Event& e) {
    return e.type == "machine.MachineStatusEvent" && e.machine_stage == name;
  };
}

auto typed(const std::string& type, const std::string& name, const std::string& action) {
  return
      [=](const talos::Event& e) { return e.type == type && e.name == name && e.action == action; };
}

// The Events a control plane buffered since its configured boot, then the live ones until it
// runs after Bootstrap: typed payloads, in order.
void expect_install_boot_and_bootstrap_events(const std::vector<talos::Event>& events) {
  // Typed payloads only (the empty hello is not an event), ids strictly increasing.
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_FALSE(events[i].type.empty()) << "event " << i;
    if (i > 0) {
      EXPECT_LT(events[i - 1].id, events[i].id) << "event " << i;
    }
  }
  // machined keeps events in memory: the buffer starts with this boot, nothing of the
  // maintenance mode or the install before the reboot survives it.
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(typed("machine.SequenceEvent", "boot", "start")(events.front()))
      << events.front().type << " " << events.front().name;
  EXPECT_EQ(find_event(events, typed("machine.SequenceEvent", "install", "start")), -1);
  EXPECT_EQ(find_event(events, stage("maintenance")), -1);
  // Each step is looked for after the previous one: a missing or misplaced one fails here.
  const std::vector<std::pair<std::string, std::function<bool(const talos::Event&)>>> steps = {
      {"stage booting", stage("booting")},
      {"apid running with its certificate", typed("machine.ServiceStateEvent", "apid", "running")},
      {"waiting for etcd",
       [](const talos::Event& e) {
         return e.type == "machine.MachineStatusEvent" && e.machine_stage == "booting" &&
                !e.machine_ready && !e.unmet_conditions.empty() &&
                e.unmet_conditions.front().find("etcd") != std::string::npos;
       }},
  };
  int waiting = 0;
  for (const auto& [what, match] : steps) {
    waiting = find_event(events, match, waiting);
    ASSERT_GE(waiting, 0) << what << " missing or out of order";
  }
  // After Bootstrap: etcd runs, the boot sequence ends, the node is running and ready.
  const int etcd_running =
      find_event(events, typed("machine.ServiceStateEvent", "etcd", "running"), waiting);
  const int boot_stop = find_event(events, typed("machine.SequenceEvent", "boot", "stop"), waiting);
  ASSERT_GE(etcd_running, 0);
  EXPECT_LT(etcd_running, boot_stop);
  EXPECT_TRUE(is_running_and_ready(events.back()));
  EXPECT_TRUE(events.back().unmet_conditions.empty());
  EXPECT_LT(boot_stop, static_cast<int>(events.size()) - 1);
}

// The watch of MachineStatuses: bootstrap contents (booting, not ready), BOOTSTRAPPED, then
// updates with rising versions until running and ready.
void expect_contents_bootstrapped_then_updates(const std::vector<talos::WatchEvent>& events) {
  ASSERT_GE(events.size(), 3u);
  // Bootstrap contents: the one machine status as it was (booting, not ready), then the marker.
  EXPECT_EQ(events[0].type, talos::WatchEventType::Created);
  EXPECT_EQ(events[0].resource.metadata.id, "machine");
  EXPECT_EQ(events[0].resource.metadata.type, "MachineStatuses.runtime.talos.dev");
  EXPECT_NE(events[0].resource.yaml_spec.find("stage: booting"), std::string::npos)
      << events[0].resource.yaml_spec;
  EXPECT_NE(events[0].resource.yaml_spec.find("ready: false"), std::string::npos);
  EXPECT_EQ(events[1].type, talos::WatchEventType::Bootstrapped);
  // Then only updates of that resource, each with a higher version, the last one ready.
  uint64_t last_version = std::stoull(events[0].resource.metadata.version);
  for (size_t i = 2; i < events.size(); ++i) {
    EXPECT_EQ(events[i].type, talos::WatchEventType::Updated) << i;
    EXPECT_EQ(events[i].resource.metadata.id, "machine");
    const uint64_t version = std::stoull(events[i].resource.metadata.version);
    EXPECT_GT(version, last_version) << i;
    last_version = version;
  }
  EXPECT_NE(events.back().resource.yaml_spec.find("stage: running"), std::string::npos)
      << events.back().resource.yaml_spec;
  EXPECT_FALSE(events.back().resource.proto_spec.empty());
}

bool ready_update(const talos::WatchEvent& e) {
  return e.type == talos::WatchEventType::Updated &&
         e.resource.yaml_spec.find("ready: true") != std::string::npos;
}

// One cluster for both streams (each generated cluster costs a `gen secrets`): both are opened
// while the first control plane waits for Bootstrap, then Bootstrap brings it to running.
TEST(ClientStreams, EventsAndCosiWatchFollowTheControlPlaneThroughBootstrap) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(51, 1, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  install_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string address = cluster.nodes.front().address;
  auto events_reader = secure_client(address, cluster.admin);
  auto watcher = secure_client(address, cluster.admin);
  auto actor = secure_client(address, cluster.admin);

  talos::EventsRequest request;
  request.tail_events = -1;  // everything buffered, then live
  StreamCollector<talos::Event> events(
      [&](const auto& sink) { return events_reader->events(request, sink, short_stream()); },
      is_running_and_ready);
  std::atomic<bool> established{false};
  StreamCollector<talos::WatchEvent> watch(
      [&](const auto& sink) {
        return watcher->cosi_watch(
            "runtime", "MachineStatuses.runtime.talos.dev", "", [&] { established = true; }, sink,
            short_stream());
      },
      ready_update);
  // The replay and the bootstrap contents arrive at once; the node waits in `booting`.
  ASSERT_TRUE(wait_until([&] { return find_event(events.items(), stage("booting")) >= 0; }));
  ASSERT_TRUE(wait_until([&] { return watch.items().size() >= 2; }));
  EXPECT_TRUE(established);
  EXPECT_EQ(find_event(events.items(), is_running_and_ready), -1);
  ASSERT_TRUE(wait_until([&] { return actor->bootstrap().ok(); }));
  events.join();
  watch.join();
  ASSERT_TRUE(events.result().ok()) << events.result().error().describe();
  ASSERT_TRUE(watch.result().ok()) << watch.result().error().describe();

  {
    SCOPED_TRACE("events");
    expect_install_boot_and_bootstrap_events(events.items());
  }
  {
    SCOPED_TRACE("watch");
    expect_contents_bootstrapped_then_updates(watch.items());
  }
}

}  // namespace
}  // namespace talos_emu_test
