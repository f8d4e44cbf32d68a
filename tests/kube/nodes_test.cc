// kube::Api node calls against the Kubernetes API emulator: list, get, cordon, delete, and the
// readiness watch.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_client_fixture.h"

namespace kube_test {
namespace {

using ::testing::HasSubstr;

const kube::NodeInfo* find(const std::vector<kube::NodeInfo>& nodes, const std::string& name) {
  for (const kube::NodeInfo& node : nodes) {
    if (node.name == name) {
      return &node;
    }
  }
  return nullptr;
}

TEST_F(KubeClientTest, ListsNodesWithReadyStatusVersionAddressesAndRole) {
  add_cluster(/*cni_running=*/true);
  auto api = client();
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_TRUE(nodes.ok()) << nodes.error().describe();
  ASSERT_EQ(nodes->size(), 3u);
  EXPECT_EQ((*nodes)[0].name, "cp1");
  EXPECT_EQ((*nodes)[1].name, "w1");
  EXPECT_EQ((*nodes)[2].name, "w2");
  const kube::NodeInfo& cp1 = (*nodes)[0];
  EXPECT_TRUE(cp1.ready);
  EXPECT_TRUE(cp1.control_plane);
  EXPECT_FALSE(cp1.unschedulable);
  EXPECT_EQ(cp1.kubelet_version, "v1.34.1");
  ASSERT_FALSE(cp1.addresses.empty());
  EXPECT_EQ(cp1.addresses[0].type, "InternalIP");
  EXPECT_EQ(cp1.addresses[0].address, "127.10.0.11");
  EXPECT_EQ(cp1.labels.at("kubernetes.io/hostname"), "cp1");
  EXPECT_FALSE((*nodes)[1].control_plane);
  EXPECT_TRUE((*nodes)[1].ready);
}

TEST_F(KubeClientTest, NodesAreNotReadyWhileTheCniIsDown) {
  add_cluster(/*cni_running=*/false);
  auto api = client();
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_TRUE(nodes.ok()) << nodes.error().describe();
  ASSERT_EQ(nodes->size(), 3u);
  for (const kube::NodeInfo& node : *nodes) {
    EXPECT_FALSE(node.ready) << node.name;
  }
  state_->set_node_kubelet_running("w1", false);  // Ready=Unknown is not ready either
  state_->set_cni_running(true);
  nodes = api->list_nodes();
  ASSERT_TRUE(nodes.ok());
  EXPECT_FALSE(find(*nodes, "w1")->ready);
  EXPECT_TRUE(find(*nodes, "w2")->ready);
}

TEST_F(KubeClientTest, GetNodeReportsNotFoundNamingThePath) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  auto w2 = api->get_node("w2");
  ASSERT_TRUE(w2.ok()) << w2.error().describe();
  EXPECT_EQ(w2->name, "w2");
  auto missing = api->get_node("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(missing.error().message, HasSubstr("GET /api/v1/nodes/nope"));
  EXPECT_THAT(missing.error().message, HasSubstr("nodes \"nope\" not found"));
  EXPECT_THAT(missing.error().message, HasSubstr("HTTP 404"));
}

TEST_F(KubeClientTest, CordonAndUncordonShowInTheEmulator) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  ASSERT_TRUE(api->cordon("w1").ok());
  EXPECT_TRUE(state_->node_unschedulable("w1"));
  EXPECT_FALSE(state_->node_unschedulable("w2"));
  const uint64_t version = state_->resource_version();
  ASSERT_TRUE(api->cordon("w1").ok());  // already cordoned: no PATCH, nothing changes
  EXPECT_EQ(state_->resource_version(), version);
  EXPECT_TRUE(api->get_node("w1")->unschedulable);
  ASSERT_TRUE(api->uncordon("w1").ok());
  EXPECT_FALSE(state_->node_unschedulable("w1"));
  EXPECT_FALSE(api->get_node("w1")->unschedulable);
  auto missing = api->cordon("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, util::ErrorCode::NotFound);
}

TEST_F(KubeClientTest, DeleteNodeRemovesItThenReportsNotFound) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  ASSERT_TRUE(api->delete_node("w2").ok());
  EXPECT_FALSE(state_->node_exists("w2"));
  EXPECT_EQ(state_->node_deletions(), 1);
  EXPECT_TRUE(state_->pods_on_node("w2").empty());
  auto again = api->delete_node("w2");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(again.error().message, HasSubstr("DELETE /api/v1/nodes/w2"));
  EXPECT_EQ(api->list_nodes()->size(), 2u);
}

TEST_F(KubeClientTest, WaitNodeReadyReturnsWhenTheNodeTurnsReady) {
  add_cluster(/*cni_running=*/false);
  auto api = client();
  ASSERT_TRUE(api);
  std::thread cni([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    state_->set_cni_running(true);
  });
  auto node = api->wait_node_ready("w1", std::chrono::seconds(8));
  cni.join();
  ASSERT_TRUE(node.ok()) << node.error().describe();
  EXPECT_EQ(node->name, "w1");
  EXPECT_TRUE(node->ready);
  EXPECT_TRUE(state_->node_ready("w1"));
}

TEST_F(KubeClientTest, WaitNodeReadyReturnsAtOnceForAReadyNode) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  auto node = api->wait_node_ready("cp1", std::chrono::seconds(8));
  ASSERT_TRUE(node.ok()) << node.error().describe();
  EXPECT_TRUE(node->control_plane);
}

TEST_F(KubeClientTest, WaitNodeReadyWaitsForANodeToRegister) {
  state_->set_cni_running(true);
  auto api = client();
  ASSERT_TRUE(api);
  std::thread kubelet([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    state_->upsert_node(worker("w3", "127.10.0.23"));
  });
  auto node = api->wait_node_ready("w3", std::chrono::seconds(8));
  kubelet.join();
  ASSERT_TRUE(node.ok()) << node.error().describe();
  EXPECT_EQ(node->name, "w3");
}

TEST_F(KubeClientTest, WaitNodeReadyTimesOutNamingTheNodeAndItsState) {
  add_cluster(/*cni_running=*/false);
  auto api = client();
  ASSERT_TRUE(api);
  auto node = api->wait_node_ready("w1", std::chrono::milliseconds(700));
  ASSERT_FALSE(node.ok());
  EXPECT_EQ(node.error().code, util::ErrorCode::Timeout);
  EXPECT_THAT(node.error().message, HasSubstr("node w1 not Ready after 0.7 s"));
  EXPECT_THAT(node.error().message, HasSubstr("Ready=false"));

  auto ghost = api->wait_node_ready("ghost", std::chrono::milliseconds(500));
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error().code, util::ErrorCode::Timeout);
  EXPECT_THAT(ghost.error().message, HasSubstr("has not registered"));
}

}  // namespace
}  // namespace kube_test
