// Tests of the talosctl health checks over a ClusterView: all pass on a healthy 3 CP + 2 worker
// cluster, and each failure is reported by the right check with a useful line.
#include "emulators/talos/health_checks.h"

#include <gtest/gtest.h>

namespace talos_emu {
namespace {

ClusterView healthy_cluster() {
  ClusterView v;
  std::vector<EtcdMember> members;
  for (int i = 1; i <= 3; ++i) {
    std::string ip = "127.10.0.1" + std::to_string(i);
    members.push_back({static_cast<uint64_t>(100 + i), "cp-" + std::to_string(i),
                       "https://" + ip + ":2380", "https://" + ip + ":2379"});
  }
  for (int i = 1; i <= 5; ++i) {
    NodeView n;
    bool cp = i <= 3;
    n.name = cp ? "cp-" + std::to_string(i) : "wk-" + std::to_string(i - 3);
    n.ip = "127.10.0." + std::to_string(cp ? 10 + i : 20 + i - 3);
    n.control_plane = cp;
    n.memory_total_mib = cp ? 3946 : 1898;
    n.ephemeral_bytes = 20ull << 30;
    n.services["kubelet"] = {};
    if (cp) {
      n.services["etcd"] = {};
      n.etcd_members_seen = members;
      n.static_pods = {"kube-system/kube-apiserver-" + n.name,
                       "kube-system/kube-controller-manager-" + n.name,
                       "kube-system/kube-scheduler-" + n.name};
      for (const char* app : {"kube-apiserver", "kube-controller-manager", "kube-scheduler"}) {
        v.kube_system_pods.push_back({app, n.name, true});
      }
    }
    v.kube_nodes.push_back({n.name, {n.ip}, cp, true, false});
    v.nodes.push_back(n);
  }
  v.coredns = WorkloadView{2, 2};
  return v;
}

// Index of the first failing check, or -1 when all pass.
int first_failure(const std::vector<HealthCheckResult>& results) {
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].passed) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

TEST(HealthChecks, AllSixteenPassInOrderOnAHealthyCluster) {
  auto results = evaluate_health_checks(healthy_cluster());
  ASSERT_EQ(results.size(), 16u);
  EXPECT_EQ(results[0].name, "etcd to be healthy");
  EXPECT_EQ(results[3].name, "apid to be ready");
  EXPECT_EQ(results[15].name, "all k8s nodes to report schedulable");
  EXPECT_EQ(first_failure(results), -1) << results[std::max(first_failure(results), 0)].detail;
  EXPECT_EQ(results[0].lines(), (std::vector<std::string>{"waiting for etcd to be healthy: ...",
                                                          "waiting for etcd to be healthy: OK"}));
}

TEST(HealthChecks, EtcdNotRunningFailsTheFirstCheck) {
  ClusterView v = healthy_cluster();
  v.nodes[1].services["etcd"] = {"Preparing", false};
  auto results = evaluate_health_checks(v);
  EXPECT_EQ(first_failure(results), 0);
  EXPECT_EQ(results[0].lines()[1],
            "waiting for etcd to be healthy: 127.10.0.12: service \"etcd\" not in expected state "
            "\"Running\": current state [Preparing]");
}

TEST(HealthChecks, InconsistentOrForeignEtcdMembersAreReported) {
  ClusterView v = healthy_cluster();
  v.nodes[2].etcd_members_seen.pop_back();
  EXPECT_EQ(first_failure(evaluate_health_checks(v)), 1);
  ClusterView foreign = healthy_cluster();
  for (auto& n : foreign.nodes) {
    if (n.control_plane) {
      n.etcd_members_seen[2].peer_url = "https://127.10.0.99:2380";
    }
  }
  auto results = evaluate_health_checks(foreign);
  EXPECT_EQ(first_failure(results), 2);
  EXPECT_NE(results[2].detail.find("127.10.0.99"), std::string::npos);
}

TEST(HealthChecks, UnreachableNodeSmallMemoryAndDiskAreReported) {
  ClusterView v = healthy_cluster();
  v.nodes[4].reachable = false;
  EXPECT_EQ(first_failure(evaluate_health_checks(v)), 3);
  ClusterView small = healthy_cluster();
  small.nodes[0].memory_total_mib = 1500;
  auto results = evaluate_health_checks(small);
  EXPECT_EQ(first_failure(results), 4);
  EXPECT_EQ(results[4].detail, "127.10.0.11: memory size is 1500 MiB, expected at least 1698 MiB");
  ClusterView worker_ok = healthy_cluster();
  worker_ok.nodes[4].memory_total_mib = 900;
  EXPECT_EQ(first_failure(evaluate_health_checks(worker_ok)), -1);
  ClusterView disk = healthy_cluster();
  disk.nodes[3].ephemeral_bytes = 1ull << 30;
  EXPECT_EQ(first_failure(evaluate_health_checks(disk)), 5);
  disk.nodes[3].ephemeral_bytes.reset();  // PermissionDenied → skipped
  EXPECT_EQ(first_failure(evaluate_health_checks(disk)), -1);
}

TEST(HealthChecks, BootSequenceAndKubeletAreChecked) {
  ClusterView v = healthy_cluster();
  v.nodes[3].stage = "booting";
  auto results = evaluate_health_checks(v);
  EXPECT_EQ(first_failure(results), 8);
  EXPECT_EQ(results[8].detail, "127.10.0.21: unexpected stage booting");
  ClusterView kubelet = healthy_cluster();
  kubelet.nodes[0].services["kubelet"].healthy = false;
  EXPECT_EQ(first_failure(evaluate_health_checks(kubelet)), 7);
  ClusterView diag = healthy_cluster();
  diag.nodes[2].diagnostics = {"address 127.10.0.13 is not routable"};
  EXPECT_EQ(first_failure(evaluate_health_checks(diag)), 6);
}

TEST(HealthChecks, KubernetesChecksFollowTheApi) {
  ClusterView missing = healthy_cluster();
  missing.kube_nodes.pop_back();
  EXPECT_EQ(first_failure(evaluate_health_checks(missing)), 9);
  ClusterView no_api = healthy_cluster();
  no_api.kube_api_error = "Get \"https://127.10.0.10:6443/api/v1/nodes\": EOF";
  auto results = evaluate_health_checks(no_api);
  EXPECT_EQ(first_failure(results), 9);
  EXPECT_EQ(results[9].detail, no_api.kube_api_error);
  ClusterView static_pod = healthy_cluster();
  static_pod.nodes[1].static_pods.pop_back();
  EXPECT_EQ(first_failure(evaluate_health_checks(static_pod)), 10);
  ClusterView component = healthy_cluster();
  component.kube_system_pods[0].ready = false;
  EXPECT_EQ(first_failure(evaluate_health_checks(component)), 11);
  ClusterView not_ready = healthy_cluster();
  not_ready.kube_nodes[4].ready = false;
  results = evaluate_health_checks(not_ready);
  EXPECT_EQ(first_failure(results), 12);
  EXPECT_EQ(results[12].detail, "node \"wk-2\" is not ready");
  ClusterView proxy = healthy_cluster();
  proxy.kube_proxy = WorkloadView{5, 4};
  EXPECT_EQ(first_failure(evaluate_health_checks(proxy)), 13);
  ClusterView dns = healthy_cluster();
  dns.coredns = WorkloadView{2, 0};
  EXPECT_EQ(first_failure(evaluate_health_checks(dns)), 14);
  ClusterView cordoned = healthy_cluster();
  cordoned.kube_nodes[3].unschedulable = true;
  EXPECT_EQ(first_failure(evaluate_health_checks(cordoned)), 15);
}

}  // namespace
}  // namespace talos_emu
