// The HealthCheck RPC reports from the talos.md §7.1 checks (health_checks.h) over what the
// emulated cluster shows: a cordoned worker fails "all k8s nodes to report schedulable" by name,
// a powered-off worker fails "apid to be ready" with its address, through talforge's client.
#include <gtest/gtest.h>

#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

struct HealthRun {
  util::Result<void> result = util::Error::internal("not run");
  std::vector<std::string> lines;
};

HealthRun run_health(talos::Api& api, const GeneratedCluster& cluster) {
  talos::HealthCheckRequest request;
  request.wait_timeout = std::chrono::seconds(1);
  for (const auto& n : cluster.nodes) {
    (n.role == "controlplane" ? request.control_plane_nodes : request.worker_nodes)
        .push_back(n.address);
  }
  HealthRun run;
  run.result = api.health_check(request,
                                [&](const std::string& line) {
                                  run.lines.push_back(line);
                                  return true;
                                },
                                {});
  return run;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(HealthService, FailingCheckNamesTheNodeThatFailsIt) {
  talos_emu::Emulator emulator(fast_options());
  GeneratedCluster cluster = generate_cluster(58, 1, 1);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string cp = cluster.node("cp-1").address;
  const std::string worker = cluster.node("w-1").address;
  auto api = secure_client(cp, cluster.admin);

  HealthRun healthy = run_health(*api, cluster);
  ASSERT_TRUE(healthy.result.ok()) << healthy.result.error().describe() << joined(healthy.lines);
  EXPECT_EQ(healthy.lines.back(), "waiting for all k8s nodes to report schedulable: OK");

  // Cordoned: every check passes but the last, which names the node.
  auto kube = emulator.find_node(cp)->snapshot().cluster->kube;
  ASSERT_TRUE(kube->patch("nodes", "", "w-1", {{"spec", {{"unschedulable", true}}}},
                          kube_emu::PatchKind::MergePatch)
                  .ok());
  HealthRun cordoned = run_health(*api, cluster);
  ASSERT_FALSE(cordoned.result.ok()) << joined(cordoned.lines);
  EXPECT_NE(cordoned.result.error().describe().find("node \"w-1\" is not schedulable"),
            std::string::npos)
      << cordoned.result.error().describe();
  EXPECT_EQ(std::count_if(cordoned.lines.begin(), cordoned.lines.end(),
                          [](const std::string& l) {
                            return l.size() > 4 && l.substr(l.size() - 4) == ": OK";
                          }),
            15)
      << joined(cordoned.lines);
  EXPECT_EQ(cordoned.lines.back(),
            "waiting for all k8s nodes to report schedulable: node \"w-1\" is not schedulable");
  ASSERT_TRUE(kube->patch("nodes", "", "w-1", {{"spec", {{"unschedulable", nullptr}}}},
                          kube_emu::PatchKind::MergePatch)
                  .ok());

  // Powered off: etcd (control planes only) still passes; apid fails with the worker's address.
  ASSERT_TRUE(emulator.power_off(worker).ok());
  HealthRun off = run_health(*api, cluster);
  ASSERT_FALSE(off.result.ok()) << joined(off.lines);
  ASSERT_GE(off.lines.size(), 2u);
  EXPECT_NE(std::find(off.lines.begin(), off.lines.end(), "waiting for etcd to be healthy: OK"),
            off.lines.end())
      << joined(off.lines);
  EXPECT_EQ(off.lines.back(), "waiting for apid to be ready: " + worker +
                                  ": rpc error: code = Unavailable desc = connection refused");
  EXPECT_NE(off.result.error().describe().find(worker), std::string::npos)
      << off.result.error().describe();
}

}  // namespace
}  // namespace talos_emu_test
