// kube::Api::drain against the Kubernetes API emulator (evictions it counts), and its 429
// retry against a scripted transport (the emulator never enforces PodDisruptionBudgets).
#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_client_fixture.h"
#include "scripted_transport.h"

namespace kube_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

std::vector<std::string> with_prefix(const std::vector<std::string>& names,
                                     const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    if (name.rfind(prefix, 0) == 0) {
      out.push_back(name);
    }
  }
  return out;
}

kube::DrainOptions quick() {
  kube::DrainOptions options;
  options.timeout = std::chrono::seconds(5);
  options.poll_interval = std::chrono::milliseconds(20);
  options.eviction_retry = std::chrono::milliseconds(20);
  return options;
}

TEST_F(KubeClientTest, DrainEvictsWorkloadPodsAndKeepsDaemonSetPods) {
  add_cluster(true);
  const std::vector<std::string> coredns_before =
      with_prefix(state_->pods_on_node("w1"), "kube-system/coredns-");
  ASSERT_FALSE(coredns_before.empty()) << "the emulator should schedule CoreDNS on w1";
  auto api = client();
  ASSERT_TRUE(api);
  auto summary = api->drain("w1", quick());
  ASSERT_TRUE(summary.ok()) << summary.error().describe();
  EXPECT_EQ(summary->evicted, coredns_before);
  ASSERT_EQ(summary->skipped_daemonset.size(), 1u);
  EXPECT_THAT(summary->skipped_daemonset[0], StartsWith("kube-system/cilium-"));
  EXPECT_THAT(summary->skipped_mirror, IsEmpty());
  EXPECT_EQ(state_->evictions(), static_cast<int>(coredns_before.size()));
  EXPECT_TRUE(state_->node_unschedulable("w1"));
  EXPECT_EQ(state_->pods_on_node("w1"), summary->skipped_daemonset);
  // The ReplicaSet replaced them elsewhere: still two CoreDNS pods in the cluster.
  EXPECT_EQ(with_prefix(state_->pod_names(), "kube-system/coredns-").size(), 2u);
}

TEST_F(KubeClientTest, DrainOfAControlPlaneSkipsItsStaticPods) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  auto summary = api->drain("cp1", quick());
  ASSERT_TRUE(summary.ok()) << summary.error().describe();
  EXPECT_THAT(summary->skipped_mirror, ElementsAre("kube-system/kube-apiserver-cp1",
                                                   "kube-system/kube-controller-manager-cp1",
                                                   "kube-system/kube-scheduler-cp1"));
  for (const std::string& pod : summary->evicted) {
    EXPECT_EQ(std::find(summary->skipped_mirror.begin(), summary->skipped_mirror.end(), pod),
              summary->skipped_mirror.end());
  }
  EXPECT_EQ(state_->evictions(), static_cast<int>(summary->evicted.size()));
  EXPECT_EQ(with_prefix(state_->pods_on_node("cp1"), "kube-system/kube-apiserver-").size(), 1u);
}

TEST_F(KubeClientTest, DrainRefusesPodsWithoutAControllerUnlessForced) {
  add_cluster(true);
  const nlohmann::json bare = {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", "bare"}, {"namespace", "default"}}},
      {"spec", {{"nodeName", "w2"}, {"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  ASSERT_TRUE(state_->create("pods", "default", bare).ok());
  auto api = client();
  ASSERT_TRUE(api);
  auto refused = api->drain("w2", quick());
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, util::ErrorCode::Conflict);
  EXPECT_THAT(refused.error().message, HasSubstr("default/bare"));
  EXPECT_EQ(state_->evictions(), 0);
  EXPECT_TRUE(state_->node_unschedulable("w2"));  // cordoned, as kubectl leaves it

  kube::DrainOptions force = quick();
  force.force = true;
  auto forced = api->drain("w2", force);
  ASSERT_TRUE(forced.ok()) << forced.error().describe();
  EXPECT_THAT(forced->evicted, ::testing::Contains("default/bare"));
  EXPECT_FALSE(state_->get("pods", "default", "bare").ok());
}

TEST_F(KubeClientTest, DrainOfAMissingNodeIsNotFound) {
  auto api = client();
  ASSERT_TRUE(api);
  auto summary = api->drain("nope", quick());
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code, util::ErrorCode::NotFound);
}

const char* kCordonedNode =
    R"({"kind":"Node","metadata":{"name":"w1"},"spec":{"unschedulable":true}})";
const char* kOnePod =
    R"({"kind":"PodList","items":[{"metadata":{"name":"web-1","namespace":"default","uid":"u1",
        "ownerReferences":[{"kind":"ReplicaSet","name":"web","controller":true}]}}]})";
const char* kPdbStatus =
    R"({"kind":"Status","status":"Failure","reason":"TooManyRequests","code":429,
        "message":"Cannot evict pod as it would violate the pod's disruption budget."})";

std::unique_ptr<ScriptedTransport> drain_script(int refusals, bool then_allow) {
  auto t = std::make_unique<ScriptedTransport>();
  t->script.push_back({"GET /api/v1/nodes/w1", {200, kCordonedNode}});
  t->script.push_back({"GET /api/v1/pods?fieldSelector=spec.nodeName%3Dw1", {200, kOnePod}});
  for (int i = 0; i < refusals; ++i) {
    t->script.push_back({"POST /api/v1/namespaces/default/pods/web-1/eviction", {429, kPdbStatus}});
  }
  if (then_allow) {
    t->script.push_back({"POST /api/v1/namespaces/default/pods/web-1/eviction",
                         {201, R"({"kind":"Status","status":"Success","code":201})"}});
    t->script.push_back({"GET /api/v1/namespaces/default/pods/web-1",
                         {200, R"({"kind":"Pod","metadata":{"name":"web-1","uid":"u1"}})"}});
  }
  return t;
}

TEST(KubeDrain, RetriesAnEvictionABudgetRefusesWithBackoff) {
  util::ManualClock clock;
  auto transport = drain_script(3, true);
  ScriptedTransport* t = transport.get();
  auto api = kube::make_http_api(std::move(transport), clock);
  kube::DrainOptions options;
  options.eviction_retry = std::chrono::milliseconds(500);
  options.poll_interval = std::chrono::milliseconds(100);
  auto summary = api->drain("w1", options);
  ASSERT_TRUE(summary.ok()) << summary.error().describe();
  EXPECT_THAT(summary->evicted, ElementsAre("default/web-1"));
  // 3 refusals: 500 + 1000 + 2000 ms of backoff, then one poll (100 ms) while the pod is
  // still there; the unscripted GET then answers 404.
  EXPECT_EQ(clock.slept(), std::chrono::milliseconds(3600));
  EXPECT_EQ(std::count(t->sent.begin(), t->sent.end(),
                       "POST /api/v1/namespaces/default/pods/web-1/eviction"),
            4);
  EXPECT_EQ(std::count(t->sent.begin(), t->sent.end(), "PATCH /api/v1/nodes/w1"), 0);
}

TEST(KubeDrain, GivesUpOnABlockedEvictionNamingThePod) {
  util::ManualClock clock;
  auto api = kube::make_http_api(drain_script(100, false), clock);
  kube::DrainOptions options;
  options.timeout = std::chrono::seconds(20);
  auto summary = api->drain("w1", options);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(summary.error().code, util::ErrorCode::Timeout);
  EXPECT_THAT(summary.error().message, HasSubstr("pod default/web-1"));
  EXPECT_THAT(summary.error().message, HasSubstr("disruption budget"));
  EXPECT_THAT(summary.error().hint, HasSubstr("PodDisruptionBudget"));
  EXPECT_EQ(clock.slept(), std::chrono::seconds(20));
}

}  // namespace
}  // namespace kube_test
