// KubeState without HTTP: readiness rules, seeded workloads, scheduling, eviction and watch
// events, as the Talos emulator drives them.
#include "emulators/kube/kube_state.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_emulator/kube_fixture.h"

namespace kube_test {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

int count_with_prefix(const std::vector<std::string>& names, const std::string& prefix) {
  int n = 0;
  for (const std::string& name : names) {
    n += name.rfind(prefix, 0) == 0 ? 1 : 0;
  }
  return n;
}

// cilium agent pods only: "cilium-" also prefixes the cilium-operator pods.
int cilium_agents(const std::vector<std::string>& names) {
  return count_with_prefix(names, "kube-system/cilium-") -
         count_with_prefix(names, "kube-system/cilium-operator-");
}

json pod(kube_emu::KubeState& state, const std::string& ns_name) {
  const auto slash = ns_name.find('/');
  return *state.get("pods", ns_name.substr(0, slash), ns_name.substr(slash + 1));
}

TEST(KubeState, SeedsFourNamespacesAndPendingCoreDns) {
  kube_emu::KubeState state;
  std::vector<std::string> namespaces;
  for (const json& ns : state.list("namespaces", "", {}).items) {
    namespaces.push_back(ns["metadata"]["name"]);
  }
  EXPECT_THAT(namespaces, ElementsAre("default", "kube-node-lease", "kube-public", "kube-system"));
  const std::vector<std::string> pods = state.pod_names();
  EXPECT_EQ(count_with_prefix(pods, "kube-system/coredns-"), 2);
  EXPECT_EQ(pod(state, pods[0])["status"]["phase"], "Pending");
}

TEST(KubeState, NodeIsReadyOnlyWithKubeletAndCni) {
  kube_emu::KubeState state;
  state.upsert_node(control_plane("cp1", "127.10.0.11"));
  EXPECT_FALSE(state.node_ready("cp1"));
  state.set_cni_running(true);
  EXPECT_TRUE(state.node_ready("cp1"));
  state.set_node_kubelet_running("cp1", false);
  EXPECT_FALSE(state.node_ready("cp1"));
  state.set_node_kubelet_running("cp1", true);
  EXPECT_TRUE(state.node_ready("cp1"));
  state.set_cni_running(false);
  EXPECT_FALSE(state.node_ready("cp1"));
}

TEST(KubeState, ControlPlaneGetsStaticPodsTaintAndRoleLabel) {
  kube_emu::KubeState state;
  state.upsert_node(control_plane("cp1", "127.10.0.11"));
  const json node = *state.get("nodes", "", "cp1");
  EXPECT_EQ(node["metadata"]["labels"]["node-role.kubernetes.io/control-plane"], "");
  EXPECT_EQ(node["spec"]["taints"][0]["key"], "node-role.kubernetes.io/control-plane");
  EXPECT_EQ(node["spec"]["taints"][0]["effect"], "NoSchedule");
  EXPECT_EQ(node["status"]["addresses"][0],
            (json{{"type", "InternalIP"}, {"address", "127.10.0.11"}}));
  const json apiserver = *state.get("pods", "kube-system", "kube-apiserver-cp1");
  EXPECT_TRUE(apiserver["metadata"]["annotations"].contains("kubernetes.io/config.mirror"));
  EXPECT_EQ(apiserver["metadata"]["labels"]["k8s-app"], "kube-apiserver");
  EXPECT_EQ(apiserver["metadata"]["labels"]["tier"], "control-plane");
  EXPECT_EQ(apiserver["metadata"]["ownerReferences"][0]["kind"], "Node");
  // Host-network pods run before the CNI does.
  EXPECT_EQ(apiserver["status"]["phase"], "Running");
}

TEST(KubeState, CniStartsCiliumOnEveryNodeAndSchedulesCoreDns) {
  kube_emu::KubeState state;
  state.upsert_node(control_plane("cp1", "127.10.0.11"));
  state.upsert_node(worker("w1", "127.10.0.21"));
  EXPECT_EQ(cilium_agents(state.pod_names()), 0);
  state.set_cni_running(true);
  EXPECT_EQ(cilium_agents(state.pods_on_node("cp1")), 1);
  EXPECT_EQ(cilium_agents(state.pods_on_node("w1")), 1);
  EXPECT_TRUE(state.get("daemonsets", "kube-system", "cilium").ok());
  for (const std::string& name : state.pod_names()) {
    if (name.rfind("kube-system/coredns-", 0) == 0) {
      EXPECT_EQ(pod(state, name)["status"]["phase"], "Running") << name;
      EXPECT_FALSE(pod(state, name)["spec"]["nodeName"].get<std::string>().empty());
    }
  }
}

TEST(KubeState, EvictedCoreDnsPodIsReplacedOnAnotherNode) {
  kube_emu::KubeState state;
  state.upsert_node(worker("w1", "127.10.0.21"));
  state.upsert_node(worker("w2", "127.10.0.22"));
  state.set_cni_running(true);
  ASSERT_TRUE(state
                  .patch("nodes", "", "w1", {{"spec", {{"unschedulable", true}}}},
                         kube_emu::PatchKind::StrategicMerge)
                  .ok());
  for (const std::string& name : state.pods_on_node("w1")) {
    if (name.find("coredns-") != std::string::npos) {
      ASSERT_TRUE(state.evict("kube-system", name.substr(name.find('/') + 1)).ok());
    }
  }
  EXPECT_EQ(count_with_prefix(state.pods_on_node("w1"), "kube-system/coredns-"), 0);
  EXPECT_EQ(count_with_prefix(state.pods_on_node("w2"), "kube-system/coredns-"), 2);
  EXPECT_GE(state.evictions(), 1);
  const json node = *state.get("nodes", "", "w1");
  EXPECT_EQ(node["spec"]["taints"][0]["key"], "node.kubernetes.io/unschedulable");
}

TEST(KubeState, RemoveNodeDropsItsPods) {
  kube_emu::KubeState state;
  state.upsert_node(control_plane("cp1", "127.10.0.11"));
  state.set_cni_running(true);
  state.remove_node("cp1");
  EXPECT_FALSE(state.node_exists("cp1"));
  EXPECT_TRUE(state.pods_on_node("cp1").empty());
  EXPECT_EQ(state.node_deletions(), 0);
}

TEST(KubeState, WatchEventsCarryIncreasingResourceVersions) {
  kube_emu::KubeState state;
  state.upsert_node(worker("w1", "127.10.0.21"));
  const uint64_t before = state.resource_version();
  state.set_cni_running(true);
  const auto events = state.wait_for_events("nodes", before, std::chrono::steady_clock::now());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().type, kube_emu::WatchEventType::Modified);
  EXPECT_GT(events.back().resource_version, before);
  EXPECT_EQ(events.back().object["metadata"]["resourceVersion"],
            std::to_string(events.back().resource_version));
}

TEST(KubeState, CreateRejectsDuplicatesAndUnknownNamespaces) {
  kube_emu::KubeState state;
  const json cm = {{"kind", "ConfigMap"},
                   {"apiVersion", "v1"},
                   {"metadata", {{"name", "demo"}}},
                   {"data", {{"k", "v"}}}};
  ASSERT_TRUE(state.create("configmaps", "default", cm).ok());
  const auto again = state.create("configmaps", "default", cm);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().message, "configmaps \"demo\" already exists");
  const auto nowhere = state.create("configmaps", "nowhere", cm);
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().message, "namespaces \"nowhere\" not found");
  const auto ds = state.get("daemonsets", "kube-system", "kube-flannel");
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.error().message, "daemonsets.apps \"kube-flannel\" not found");
}

TEST(KubeState, CoreDnsDeploymentReportsReadyReplicasOnceScheduled) {
  kube_emu::KubeState state;
  state.upsert_node(worker("w1", "127.10.0.21"));
  json deploy = *state.get("deployments", "kube-system", "coredns");
  EXPECT_EQ(deploy["metadata"]["labels"]["k8s-app"], "kube-dns");
  EXPECT_EQ(deploy["status"]["readyReplicas"], 0);
  EXPECT_EQ(deploy["status"]["unavailableReplicas"], 2);
  state.set_cni_running(true);
  deploy = *state.get("deployments", "kube-system", "coredns");
  EXPECT_EQ(deploy["status"]["readyReplicas"], 2);
  EXPECT_EQ(deploy["status"]["conditions"][0]["status"], "True");
  const json ds = *state.get("daemonsets", "kube-system", "cilium");
  EXPECT_EQ(ds["status"]["desiredNumberScheduled"], 1);
  EXPECT_EQ(ds["status"]["numberReady"], 1);
}

TEST(KubeState, KubeProxyDaemonSetOnlyWhenAskedFor) {
  EXPECT_FALSE(kube_emu::KubeState().get("daemonsets", "kube-system", "kube-proxy").ok());
  kube_emu::KubeStateOptions options;
  options.kube_proxy = true;
  kube_emu::KubeState state(options);
  state.upsert_node(worker("w1", "127.10.0.21"));
  const std::vector<std::string> on_w1 = state.pods_on_node("w1");
  ASSERT_EQ(count_with_prefix(on_w1, "kube-system/kube-proxy-"), 1);
  // Host network: it runs before any CNI does.
  for (const std::string& name : on_w1) {
    if (name.rfind("kube-system/kube-proxy-", 0) == 0) {
      EXPECT_EQ(pod(state, name)["status"]["phase"], "Running");
    }
  }
}

}  // namespace
}  // namespace kube_test
