// Speed of machine-config generation for a large cluster (issue #3 target: 300 nodes < 1 s on
// one core, < 100 MB RSS). Run with `make bench`.
#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <fmt/format.h>

#include "talos/cluster_configs.h"

namespace {

spec::Cluster large_cluster(int nodes) {
  spec::Cluster c;
  c.name = "bench";
  c.talos_version = "v1.11.6";
  c.kubernetes_version = "1.34.1";
  c.endpoint = "127.20.0.2";
  c.vip = "127.20.0.2";
  c.network.cidr = "127.20.0.0/16";
  c.network.gateway = "127.20.0.1";
  c.network.nameservers = {"127.20.0.1"};
  c.cilium.version = "1.16.5";
  c.patches.all.push_back({"all", "machine:\n  sysctls:\n    vm.max_map_count: 262144\n"});
  for (int i = 0; i < nodes; ++i) {
    spec::Node n;
    n.name = fmt::format("node-{}", i);
    n.role = i < 3 ? spec::NodeRole::ControlPlane : spec::NodeRole::Worker;
    n.address = fmt::format("127.20.{}.{}", 1 + i / 200, 10 + i % 200);
    c.nodes.push_back(std::move(n));
  }
  return c;
}

talos::ClusterSecrets fake_secrets() {
  talos::ClusterSecrets s;
  const std::string blob(800, 'A');
  s.cluster_id = s.cluster_secret = s.secretbox_encryption_secret = std::string(44, 'B');
  s.bootstrap_token = s.trustd_token = "abcdef.0123456789abcdef";
  s.os_crt = s.os_key = s.k8s_crt = s.k8s_key = s.aggregator_crt = s.aggregator_key = blob;
  s.service_account_key = s.etcd_crt = s.etcd_key = blob;
  return s;
}

void BM_GenerateClusterConfigs(benchmark::State& state) {
  const spec::Cluster cluster = large_cluster(static_cast<int>(state.range(0)));
  const talos::ClusterSecrets secrets = fake_secrets();
  for (auto _ : state) {
    auto configs = talos::generate_cluster_configs(cluster, secrets, std::string(64, 'c'));
    benchmark::DoNotOptimize(configs);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  state.counters["max_rss_mb"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
}
BENCHMARK(BM_GenerateClusterConfigs)->Arg(5)->Arg(300)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
