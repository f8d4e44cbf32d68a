// Speed of loading and validating cluster.yaml (issue #3 target: a 300-node file < 50 ms).
// Run with `make bench` (target `benchmarks`).
#include <benchmark/benchmark.h>
#include <string>

#include <fmt/format.h>

#include "spec/load.h"

namespace {

// A realistic file: block-style nodes with overrides, plus inline patches that are parsed and
// checked for owned keys.
std::string large_cluster_yaml(int nodes) {
  std::string y = R"(apiVersion: talforge.dev/v1alpha1
kind: Cluster
cluster:
  name: bench
  talosVersion: v1.11.6
  kubernetesVersion: 1.34.1
  vip: 127.20.0.2
  podSubnets: [127.64.0.0/16]
  serviceSubnets: [127.65.0.0/16]
network:
  cidr: 127.20.0.0/16
  gateway: 127.20.0.1
  nameservers: [127.20.0.1]
image:
  systemExtensions: [siderolabs/qemu-guest-agent]
patches:
  all:
    - inline: |
        machine:
          sysctls:
            vm.max_map_count: "262144"
proxmox:
  endpoint: https://127.0.0.1:8006
  tokenId: talforge@pve!bench
vm:
  pveNode: pve1
  memory: 4GiB
  diskSize: 32GiB
nodes:
)";
  for (int i = 0; i < nodes; ++i) {
    y += fmt::format(
        "  - name: node-{}\n    role: {}\n    address: 127.20.{}.{}\n    pveNode: pve{}\n"
        "    vmid: {}\n    memory: 8GiB\n    patches:\n"
        "      - inline: {{machine: {{nodeLabels: {{rack: r{}}}}}}}\n",
        i, i < 3 ? "controlplane" : "worker", 1 + i / 200, 10 + i % 200, 1 + i % 4, 1000 + i,
        i % 8);
  }
  return y;
}

void BM_LoadAndValidate(benchmark::State& state) {
  const std::string text = large_cluster_yaml(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    spec::Loaded loaded = spec::load_text("cluster.yaml", text);
    if (!loaded.ok()) {
      static std::string first;
      first =
          loaded.diagnostics.empty() ? "no spec" : spec::format_diagnostic(loaded.diagnostics[0]);
      state.SkipWithError(first.c_str());
      break;
    }
    benchmark::DoNotOptimize(loaded);
  }
  state.counters["bytes"] = static_cast<double>(text.size());
}
BENCHMARK(BM_LoadAndValidate)->Arg(3)->Arg(300)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
