// kube::Api::wait_node_ready against a scripted transport: what a watch stream says, a server
// that answers a watch with a plain list, and a Timeout that says what was last seen.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube/http_api.h"
#include "scripted_transport.h"
#include "util/clock.h"

namespace kube_test {
namespace {

using ::testing::HasSubstr;

std::string node_json(bool ready) {
  return std::string(R"({"kind":"Node","metadata":{"name":"w1"},"status":{"conditions":[)") +
         R"({"type":"Ready","status":")" + (ready ? "True" : "False") + R"("}]}})";
}

std::string event(const std::string& type, bool ready) {
  return R"({"type":")" + type + R"(","object":)" + node_json(ready) + "}";
}

TEST(KubeWaitReady, FollowsTheWatchUntilAModifiedEventSaysReady) {
  util::ManualClock clock;
  auto transport = std::make_unique<ScriptedTransport>();
  ScriptedTransport* t = transport.get();
  t->watches.push_back({kube::WatchEnd::Closed,
                        200,
                        {event("ADDED", false), event("MODIFIED", false), event("MODIFIED", true),
                         event("MODIFIED", false)}});
  auto api = kube::make_http_api(std::move(transport), clock);
  auto node = api->wait_node_ready("w1", std::chrono::seconds(30));
  ASSERT_TRUE(node.ok()) << node.error().describe();
  EXPECT_TRUE(node->ready);
  ASSERT_EQ(t->sent.size(), 1u);
  EXPECT_EQ(t->sent[0],
            "WATCH /api/v1/nodes?fieldSelector=metadata.name%3Dw1&watch=1&timeoutSeconds=30");
}

TEST(KubeWaitReady, FallsBackToAGetWhenTheWatchIsAPlainList) {
  util::ManualClock clock;
  auto transport = std::make_unique<ScriptedTransport>();
  ScriptedTransport* t = transport.get();
  const std::string list = R"({"kind":"NodeList","items":[)" + node_json(false) + "]}";
  t->watches.push_back({kube::WatchEnd::Closed, 200, {list}});
  t->watches.push_back({kube::WatchEnd::Closed, 200, {list}});
  t->script.push_back({"GET /api/v1/nodes/w1", {200, node_json(false)}});
  t->script.push_back({"GET /api/v1/nodes/w1", {200, node_json(true)}});
  auto api = kube::make_http_api(std::move(transport), clock);
  auto node = api->wait_node_ready("w1", std::chrono::seconds(30));
  ASSERT_TRUE(node.ok()) << node.error().describe();
  EXPECT_TRUE(node->ready);
  EXPECT_EQ(t->sent.size(), 4u);          // watch, GET, watch, GET
  EXPECT_EQ(clock.slept().count(), 250);  // one pause between the two rounds
}

TEST(KubeWaitReady, TimeoutSaysTheApiWasUnavailableWhenNothingAnswered) {
  util::ManualClock clock;
  auto api = kube::make_http_api(std::make_unique<ScriptedTransport>(), clock);
  auto node = api->wait_node_ready("w1", std::chrono::seconds(3));
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.error().code, util::ErrorCode::Timeout);
  EXPECT_THAT(node.error().message, HasSubstr("node w1 not Ready after 3.0 s"));
  EXPECT_THAT(node.error().message, HasSubstr("the API was unavailable: no watch scripted"));
  EXPECT_EQ(clock.slept().count(), 3000);  // paused between attempts, never spun
}

TEST(KubeWaitReady, ForbiddenWatchFailsAtOnce) {
  util::ManualClock clock;
  auto transport = std::make_unique<ScriptedTransport>();
  transport->watches.push_back({kube::WatchEnd::Closed, 403, {}});
  auto api = kube::make_http_api(std::move(transport), clock);
  auto node = api->wait_node_ready("w1", std::chrono::seconds(3));
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(node.error().message, HasSubstr("GET /api/v1/nodes?fieldSelector="));
  EXPECT_EQ(clock.slept().count(), 0);
}

}  // namespace
}  // namespace kube_test
