// The client's long streams (v1.13+ upgrade, etcd snapshot/recover, health check, events, COSI
// watch) and its handling of garbage replies, against FakeTalos / RawTalos over real TLS.
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/client_fixture.h"

namespace {

using talos_test::client_pki;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class Streams : public talos_test::ClientTest {
 protected:
  talos::StreamOptions short_stream() {
    talos::StreamOptions s;
    s.timeout = std::chrono::milliseconds(3000);
    return s;
  }
};

TEST_F(Streams, LifecycleUpgradePullsThenInstallsThePulledImage) {
  std::vector<std::string> lines;
  auto done = admin()->lifecycle_upgrade(
      {.image = "factory.talos.dev/installer/abc:v1.13.0"},
      [&](const std::string& line) {
        lines.push_back(line);
        return true;
      },
      short_stream());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  const auto seen = node_.seen();
  EXPECT_EQ(seen.pulled_image, "factory.talos.dev/installer/abc:v1.13.0");
  EXPECT_EQ(seen.containerd, "1/1");  // CRI driver, system namespace (talosctl's default)
  EXPECT_EQ(seen.lifecycle_image, "factory.talos.dev/installer/abc:v1.13.0@sha256:bb");
  // Repeated layer states are folded into one line each.
  EXPECT_THAT(lines, ElementsAre(HasSubstr("layer sha256:aa downloading"),
                                 HasSubstr("layer sha256:aa downloaded"),
                                 HasSubstr("layer sha256:aa extracted"),
                                 "pulled factory.talos.dev/installer/abc:v1.13.0@sha256:bb",
                                 "installing", "installed"));
}

TEST_F(Streams, LifecycleUpgradeNonZeroExitCodeIsAFailure) {
  node_.script().upgrade_lines = {"error validating installer image"};
  node_.script().upgrade_exit_code = 1;
  auto done = admin()->lifecycle_upgrade(
      {.image = "bad:v1"}, [](const std::string&) { return true; }, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message, HasSubstr("failed with exit code 1"));
  EXPECT_THAT(done.error().message, HasSubstr("error validating installer image"));
}

TEST_F(Streams, LifecycleUpgradeWithoutExitCodeIsNotASuccess) {
  node_.script().upgrade_sends_exit_code = false;
  auto done = admin()->lifecycle_upgrade(
      {.image = "x:v1"}, [](const std::string&) { return true; }, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message, HasSubstr("ended without an exit code"));
}

TEST_F(Streams, LifecycleUpgradeOnAnOldNodeSaysTheVersionIsTooOld) {
  node_.script().fail_next["Pull"].push_back(
      grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown service machine.ImageService"));
  auto done = admin()->lifecycle_upgrade(
      {.image = "x:v1"}, [](const std::string&) { return true; }, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message, HasSubstr("Pull is not implemented"));
  EXPECT_THAT(done.error().hint, HasSubstr("too old"));
}

TEST_F(Streams, EtcdSnapshotStreamsEveryChunkToTheSink) {
  std::string snapshot(4500, '\0');
  for (size_t i = 0; i < snapshot.size(); ++i) {
    snapshot[i] = static_cast<char>(i * 7);
  }
  node_.script().etcd_snapshot = snapshot;
  std::ostringstream out;
  auto bytes = talos::etcd_snapshot_to(*as(client_pki().backup), out, short_stream());
  ASSERT_TRUE(bytes.ok()) << bytes.error().describe();
  EXPECT_EQ(*bytes, 4500u);
  EXPECT_EQ(out.str(), snapshot);
}

TEST_F(Streams, EtcdSnapshotSinkErrorAbortsTheStream) {
  node_.script().etcd_snapshot = std::string(5000, 'x');
  int chunks = 0;
  auto bytes = admin()->etcd_snapshot(
      [&](std::string_view) -> util::Result<void> {
        ++chunks;
        return util::Error::io("disk full");
      },
      short_stream());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, util::ErrorCode::Io);
  EXPECT_THAT(bytes.error().describe(), HasSubstr("disk full"));
  EXPECT_EQ(chunks, 1);
}

TEST_F(Streams, EtcdSnapshotNeedsABackupRole) {
  auto bytes = as(client_pki().reader)
                   ->etcd_snapshot([](std::string_view) -> util::Result<void> { return {}; },
                                   short_stream());
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, util::ErrorCode::PermissionDenied);
}

TEST_F(Streams, EtcdRecoverUploadsTheWholeSnapshot) {
  std::string snapshot(200000, 'a');
  snapshot[199999] = 'z';
  std::istringstream in(snapshot);
  auto done = admin()->etcd_recover(in, short_stream());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  EXPECT_EQ(node_.seen().recovered, snapshot);
}

TEST_F(Streams, EtcdRecoverRefusalKeepsTheTalosReason) {
  node_.script().fail_next["EtcdRecover"].push_back(grpc::Status(
      grpc::StatusCode::FAILED_PRECONDITION, "etcd service is not ready for recovery yet"));
  std::istringstream in("snapshot");
  auto done = admin()->etcd_recover(in, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_THAT(done.error().message, HasSubstr("not ready for recovery yet"));
}

TEST_F(Streams, HealthCheckSendsClusterInfoAndPassesEachLine) {
  std::vector<std::string> lines;
  auto done = as(client_pki().reader)
                  ->health_check(
                      {.wait_timeout = std::chrono::seconds(90),
                       .control_plane_nodes = {"127.0.0.11", "127.0.0.12"},
                       .worker_nodes = {"127.0.0.21"},
                       .force_endpoint = ""},
                      [&](const std::string& line) {
                        lines.push_back(line);
                        return true;
                      },
                      short_stream());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  EXPECT_EQ(lines.size(), 2u);
  const std::string request = node_.seen().health_request;
  EXPECT_THAT(request, HasSubstr("seconds: 90"));
  EXPECT_THAT(request, HasSubstr("control_plane_nodes: \"127.0.0.11\""));
  EXPECT_THAT(request, HasSubstr("worker_nodes: \"127.0.0.21\""));
}

TEST_F(Streams, HealthCheckFailureIsAnErrorAfterTheLines) {
  node_.script().health_final =
      grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "waiting for etcd to be healthy: timeout");
  int lines = 0;
  auto done = admin()->health_check(
      {}, [&](const std::string&) { return ++lines > 0; }, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(lines, 2);
  EXPECT_THAT(done.error().message, HasSubstr("HealthCheck"));
}

machine::Event machine_status_event(machine::MachineStatusEvent::MachineStage stage, bool ready) {
  machine::MachineStatusEvent status;
  status.set_stage(stage);
  status.mutable_status()->set_ready(ready);
  if (!ready) {
    auto* c = status.mutable_status()->add_unmet_conditions();
    c->set_name("nodeReady");
    c->set_reason("node not ready");
  }
  machine::Event e;
  e.set_id("ev-" + std::to_string(stage));
  e.mutable_data()->set_type_url("talos/runtime/machine.MachineStatusEvent");
  e.mutable_data()->set_value(status.SerializeAsString());
  return e;
}

TEST_F(Streams, EventsSkipTheHelloDecodeMachineStatusAndStopWhenAsked) {
  node_.script().events = {machine_status_event(machine::MachineStatusEvent::BOOTING, false),
                           machine_status_event(machine::MachineStatusEvent::RUNNING, true)};
  std::vector<talos::Event> seen;
  auto done = admin()->events(
      {.tail_events = -1},
      [&](const talos::Event& e) {
        seen.push_back(e);
        return !(e.machine_stage == "running" && e.machine_ready);
      },
      short_stream());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, "machine.MachineStatusEvent");
  EXPECT_EQ(seen[0].machine_stage, "booting");
  EXPECT_THAT(seen[0].unmet_conditions, ElementsAre("nodeReady: node not ready"));
  EXPECT_EQ(seen[1].machine_stage, "running");
  EXPECT_EQ(node_.seen().events_request.tail_events(), -1);
}

TEST_F(Streams, EventsStreamEndsAtItsOwnTimeoutWithATimeoutError) {
  talos::StreamOptions stream;
  stream.timeout = std::chrono::milliseconds(300);
  auto done = admin()->events(
      {}, [](const talos::Event&) { return true; }, stream);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, util::ErrorCode::Timeout);
  EXPECT_THAT(done.error().message, HasSubstr("within 300 ms"));
}

TEST_F(Streams, MalformedEventPayloadIsAClearError) {
  machine::Event e;
  e.set_id("bad");
  e.mutable_data()->set_type_url("talos/runtime/machine.MachineStatusEvent");
  e.mutable_data()->set_value("\xff\xff\xff");
  node_.script().events = {e};
  auto done = admin()->events(
      {}, [](const talos::Event&) { return true; }, short_stream());
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.error().code, util::ErrorCode::Internal);
  EXPECT_THAT(done.error().describe(), HasSubstr("malformed machine.MachineStatusEvent payload"));
}

TEST_F(Streams, CosiWatchReportsEstablishedThenEvents) {
  bool established = false;
  std::vector<talos::WatchEvent> events;
  auto done = admin()->cosi_watch(
      "runtime", "MachineStatuses.runtime.talos.dev", "machine", [&] { established = true; },
      [&](const talos::WatchEvent& e) {
        EXPECT_TRUE(established);
        events.push_back(e);
        return events.size() < 2;
      },
      short_stream());
  ASSERT_TRUE(done.ok()) << done.error().describe();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, talos::WatchEventType::Created);
  EXPECT_EQ(events[1].type, talos::WatchEventType::Updated);
  EXPECT_EQ(events[1].resource.metadata.version, "4");
  EXPECT_EQ(events[1].resource.yaml_spec, "stage: running\nstatus:\n    ready: true\n");
  EXPECT_THAT(node_.seen().watch_request, HasSubstr("id: \"machine\""));
  EXPECT_THAT(node_.seen().watch_request, HasSubstr("api_version: 1"));
}

TEST_F(Streams, CosiWatchCanBeCancelledFromAnotherThread) {
  auto cancel = std::make_shared<talos::StreamCancel>();
  talos::StreamOptions stream;
  stream.timeout = std::chrono::milliseconds(8000);
  stream.cancel = cancel;
  int events = 0;
  std::thread canceller;
  auto done = admin()->cosi_watch(
      "runtime", "MachineStatuses.runtime.talos.dev", "", nullptr,
      [&](const talos::WatchEvent&) {
        if (++events == 2) {
          canceller = std::thread([cancel] { cancel->cancel(); });
        }
        return true;
      },
      stream);
  if (canceller.joinable()) {
    canceller.join();
  }
  ASSERT_TRUE(done.ok()) << done.error().describe();
  EXPECT_EQ(events, 2);
  EXPECT_THAT(node_.seen().watch_request, HasSubstr("bootstrap_contents: true"));
  EXPECT_TRUE(cancel->cancelled());
}

TEST_F(Streams, AStreamCancelledBeforeItStartsEndsAtOnce) {
  auto cancel = std::make_shared<talos::StreamCancel>();
  cancel->cancel();
  talos::StreamOptions stream;
  stream.timeout = std::chrono::milliseconds(8000);
  stream.cancel = cancel;
  const auto start = std::chrono::steady_clock::now();
  auto done = admin()->events(
      {}, [](const talos::Event&) { return true; }, stream);
  EXPECT_TRUE(done.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

// Criterion 6, client direction: whatever bytes the server sends, the client reports an error.
class GarbageReply : public ::testing::TestWithParam<std::string> {};

TEST_P(GarbageReply, IsAClearErrorNotACrash) {
  talos_test::RawTalos raw(client_pki().server, client_pki().os_ca.crt, GetParam());
  auto api =
      talos_test::connect_api(talos_test::secure_options(raw.endpoint(), client_pki().admin));
  auto version = api->version();
  ASSERT_FALSE(version.ok());
  EXPECT_THAT(version.error().describe(), HasSubstr("Version"));
  EXPECT_THAT(version.error().describe(), HasSubstr(raw.endpoint()));
  auto services = api->service_list();
  EXPECT_FALSE(services.ok());
  auto ack = api->reboot(talos::RebootMode::Default);
  EXPECT_FALSE(ack.ok());
}

INSTANTIATE_TEST_SUITE_P(
    Replies, GarbageReply,
    ::testing::Values(
        std::string("\x0a\x10\x0a\x05", 4),  // truncated: a length prefix past the end
        std::string("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff", 11),  // invalid varint
        std::string("\x08\x01", 2),  // field 1 as a varint, not the repeated message (wrong type)
        std::string("")));           // an empty reply: no message at all

TEST(GarbageReplyParse, TruncationSaysTheReplyCouldNotBeParsed) {
  talos_test::RawTalos raw(client_pki().server, client_pki().os_ca.crt,
                           std::string("\x0a\x10\x0a\x05", 4));
  auto version =
      talos_test::connect_api(talos_test::secure_options(raw.endpoint(), client_pki().admin))
          ->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Internal);
  EXPECT_THAT(version.error().message, HasSubstr("parse"));
}

}  // namespace
