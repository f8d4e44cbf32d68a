// Criterion 5 (issue #4) with configured nodes: one talos-emulator process serving 100 nodes on
// 100 loopback addresses (127.20.0.11…) that each received the machine config `talforge gen
// config` wrote (3 control planes + 97 workers), applied through talforge's own client, with etcd
// bootstrapped on the first control plane, until every node is `running` and ready. Reports the
// emulator process's RSS (now and peak) and threads; the target is < 300 MiB. Measured, never
// asserted. Needs talos-emulator and talforge built in the same build directory.
//
//   ninja -C BUILD talforge talos-emulator talos_emulator_configured_bench
//   BUILD/talos_emulator_configured_bench
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "secrets/base64.h"
#include "talos/api.h"
#include "util/file.h"
#include "util/process.h"

namespace {

constexpr int kControlPlanes = 3;
constexpr int kWorkers = 97;
constexpr auto kBringUpTimeout = std::chrono::seconds(180);

struct BenchNode {
  std::string name, address, yaml;
};

[[noreturn]] void die(const std::string& what) {
  std::cerr << "talos_emulator_configured_bench: " << what << "\n";
  std::exit(1);
}

std::string build_dir() {
  return std::filesystem::path(TALFORGE_BINARY).parent_path().string();
}

// ---- admin API over libcurl (the bench links talforge_core, which carries libcurl) ----

size_t append_body(char* data, size_t size, size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
}

// Returns the HTTP status; the body goes to `body`.
long http(const std::string& method, const std::string& url, const std::string& request,
          std::string* body) {
  CURL* curl = curl_easy_init();
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  if (method == "POST")
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  long status = 0;
  if (curl_easy_perform(curl) == CURLE_OK)
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return status;
}

nlohmann::json get_json(const std::string& url) {
  std::string body;
  if (http("GET", url, "", &body) != 200)
    die("GET " + url + " failed: " + body);
  return nlohmann::json::parse(body);
}

// ---- the cluster talforge generates ----

std::vector<BenchNode> bench_nodes() {
  std::vector<BenchNode> nodes;
  for (int i = 0; i < kControlPlanes + kWorkers; ++i) {
    const bool cp = i < kControlPlanes;
    nodes.push_back({cp ? fmt::format("cp-{}", i + 1) : fmt::format("w-{}", i - kControlPlanes + 1),
                     fmt::format("127.20.0.{}", 11 + i), ""});
  }
  return nodes;
}

void run_talforge(const std::string& dir, const std::string& args) {
  const std::string command =
      fmt::format("cd '{}' && '{}' {} >/dev/null 2>talforge.err", dir, TALFORGE_BINARY, args);
  if (std::system(command.c_str()) != 0)
    die("talforge " + args + " failed, see " + dir + "/talforge.err");
}

void generate_configs(const std::string& dir, std::vector<BenchNode>& nodes) {
  std::string yaml =
      "apiVersion: talforge.dev/v1alpha1\nkind: Cluster\ncluster:\n  name: bench\n"
      "  talosVersion: v1.11.6\nnetwork:\n  cidr: 127.20.0.0/24\n  gateway: 127.20.0.1\n"
      "proxmox:\n  endpoint: https://127.0.0.1:8006\n  tokenId: talforge@pve!bench\n"
      "vm:\n  pveNode: pve1\nnodes:\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    yaml += fmt::format("  - name: {}\n    role: {}\n    address: {}\n", nodes[i].name,
                        i < kControlPlanes ? "controlplane" : "worker", nodes[i].address);
  }
  if (!util::write_file_atomic(dir + "/cluster.yaml", yaml, 0600).ok())
    die("cannot write cluster.yaml");
  run_talforge(dir, "gen secrets -o secrets.yaml --force");
  run_talforge(dir, "gen config -f cluster.yaml --out out");
  for (auto& n : nodes) {
    auto text = util::read_file(dir + "/out/" + n.name + ".yaml");
    if (!text.ok())
      die(text.error().describe());
    n.yaml = *text;
  }
}

// The admin credentials of the talosconfig `gen config` wrote (base64 PEM in the current context).
talos::Credentials admin_credentials(const std::string& dir) {
  auto talosconfig = YAML::LoadFile(dir + "/out/talosconfig");
  auto context = talosconfig["contexts"][talosconfig["context"].as<std::string>()];
  auto pem = [&](const char* field) {
    auto decoded = secrets::base64_decode(context[field].as<std::string>());
    if (!decoded)
      die(std::string("talosconfig field ") + field + " is not base64");
    return *decoded;
  };
  return {pem("ca"), pem("crt"), pem("key")};
}

// ---- driving the emulator ----

struct EmulatorProcess {
  pid_t pid = 0;
  std::string url;
};

EmulatorProcess start_emulator(const std::string& dir) {
  const std::string log = dir + "/emulator.log";
  auto pid = util::spawn_detached(
      {build_dir() + "/talos-emulator", "--admin", "127.0.0.1:0", "--time-scale", "0.001",
       "--schema-dir", std::string(TALFORGE_SOURCE_DIR) + "/../shared/reference/talos"},
      log);
  if (!pid.ok())
    die(pid.error().describe());
  auto lines = util::wait_for_output_lines(*pid, log, 1, std::chrono::seconds(10));
  if (!lines.ok())
    die(lines.error().describe());
  return {*pid, lines->front()};
}

void power_on_all(const EmulatorProcess& emulator, const std::vector<BenchNode>& nodes) {
  for (size_t i = 0; i < nodes.size(); ++i) {
    const nlohmann::json spec = {{"address", nodes[i].address},
                                 {"uuid", fmt::format("00000000-0000-4000-8000-{:012}", i)},
                                 {"memory_mib", i < kControlPlanes ? 4096 : 2048}};
    std::string body;
    if (http("POST", emulator.url + "/v1/nodes", spec.dump(), &body) != 201) {
      die("power on " + nodes[i].address + ": " + body);
    }
  }
}

std::unique_ptr<talos::Api> client(const std::string& address, talos::ConnectMode mode,
                                   const talos::Credentials& credentials) {
  talos::ConnectOptions options;
  options.endpoint = address;
  options.mode = mode;
  options.credentials = credentials;
  options.call_timeout = std::chrono::seconds(10);
  options.retry.max_attempts = 1;
  auto api = talos::make_grpc_api(options);
  if (!api.ok())
    die(api.error().describe());
  return std::move(*api);
}

template <typename Call>
void retry_until_ok(const std::string& what, Call call) {
  const auto deadline = std::chrono::steady_clock::now() + kBringUpTimeout;
  for (;;) {
    auto result = call();
    if (result.ok())
      return;
    if (std::chrono::steady_clock::now() > deadline)
      die(what + ": " + result.error().describe());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void apply_all(const std::vector<BenchNode>& nodes) {
  for (const auto& n : nodes) {
    auto api = client(n.address, talos::ConnectMode::Maintenance, {});
    retry_until_ok("maintenance API of " + n.address, [&] { return api->disks(); });
    auto applied = api->apply_configuration(n.yaml, talos::ApplyMode::Auto, false);
    if (!applied.ok())
      die("apply " + n.address + ": " + applied.error().describe());
  }
}

std::map<std::string, int> stage_counts(const EmulatorProcess& emulator, int* ready) {
  std::map<std::string, int> stages;
  *ready = 0;
  for (const auto& n : get_json(emulator.url + "/v1/nodes")) {
    ++stages[n.value("stage", "?")];
    if (n.value("stage", "") == "running" && n.value("ready", false))
      ++*ready;
  }
  return stages;
}

void wait_all_ready(const EmulatorProcess& emulator, int count) {
  const auto deadline = std::chrono::steady_clock::now() + kBringUpTimeout;
  for (;;) {
    int ready = 0;
    auto stages = stage_counts(emulator, &ready);
    if (ready >= count)
      return;
    if (std::chrono::steady_clock::now() > deadline) {
      std::string summary;
      for (const auto& [stage, n] : stages) summary += fmt::format(" {}={}", stage, n);
      die(fmt::format("only {} of {} nodes running and ready:{}", ready, count, summary));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

long proc_status_kib(pid_t pid, const std::string& field) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0)
      return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

void BM_TalosEmulatorHundredConfiguredNodes(benchmark::State& state) {
  std::string pattern = (std::filesystem::temp_directory_path() / "talforge-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data()))
    die("mkdtemp failed");
  const std::string dir = pattern;
  std::vector<BenchNode> nodes = bench_nodes();
  generate_configs(dir, nodes);
  const talos::Credentials admin = admin_credentials(dir);

  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    EmulatorProcess emulator = start_emulator(dir);
    power_on_all(emulator, nodes);
    apply_all(nodes);
    auto cp1 = client(nodes.front().address, talos::ConnectMode::Secure, admin);
    retry_until_ok("Bootstrap on " + nodes.front().address, [&] { return cp1->bootstrap(); });
    wait_all_ready(emulator, static_cast<int>(nodes.size()));
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const long rss_kib = proc_status_kib(emulator.pid, "VmRSS");
    const long hwm_kib = proc_status_kib(emulator.pid, "VmHWM");
    const long threads = proc_status_kib(emulator.pid, "Threads");
    const double critical_path = get_json(emulator.url + "/v1/critical-path").value("seconds", 0.0);
    util::stop_process(emulator.pid, std::chrono::seconds(5));

    state.SetIterationTime(wall);
    state.counters["nodes"] = static_cast<double>(nodes.size());
    state.counters["rss_mib"] = rss_kib / 1024.0;
    state.counters["peak_rss_mib"] = hwm_kib / 1024.0;
    state.counters["threads"] = static_cast<double>(threads);
    state.counters["critical_path_s"] = critical_path;
    std::cout << fmt::format(
        "nodes={} running=all rss_mib={} peak_rss_mib={} threads={} wall_s={:.1f} "
        "critical_path_s={:.0f}\n",
        nodes.size(), rss_kib / 1024, hwm_kib / 1024, threads, wall, critical_path);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_TalosEmulatorHundredConfiguredNodes)
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kSecond);

}  // namespace

BENCHMARK_MAIN();
