#include "talos_emulator/cluster_support.h"

#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "process.h"
#include "secrets/base64.h"
#include "util/file.h"
#include "unique_dir.h"

namespace talos_emu_test {
namespace {

std::string decode(const YAML::Node& node) {
  auto decoded = secrets::base64_decode(node.as<std::string>());
  return decoded ? *decoded : std::string();
}

}  // namespace

std::string describe(talos_emu::Emulator& emulator, const std::string& address) {
  auto node = emulator.find_node(address);
  if (!node) return "no such node";
  auto s = node->snapshot();
  std::string out = std::string("stage ") + talos_emu::stage_name(s.stage) +
                    (s.ready ? " ready" : " not ready") + ", services:";
  for (const auto& r : s.services) out += " " + r.id + "=" + r.state;
  for (const auto& u : s.unmet) out += "; unmet " + u.name + ": " + u.reason;
  return out;
}

const GeneratedNode& GeneratedCluster::node(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return n;
  }
  throw std::runtime_error("no node " + name);
}

GeneratedCluster generate_cluster(int subnet, int control_planes, int workers,
                                  const std::string& cluster_name,
                                  const std::string& talos_version) {
  GeneratedCluster out;
  out.talos_version = talos_version;
  out.dir = testing_paths::unique_dir(fmt::format("talos-emu-{}", subnet));
  std::string yaml = fmt::format(
      "apiVersion: talforge.dev/v1alpha1\nkind: Cluster\ncluster:\n  name: {0}\n"
      "  talosVersion: {2}\nnetwork:\n  cidr: 127.10.{1}.0/24\n  gateway: 127.10.{1}.1\n"
      "proxmox:\n  endpoint: https://127.0.0.1:8006\n  tokenId: talforge@pve!emu\n"
      "vm:\n  pveNode: pve1\nnodes:\n",
      cluster_name, subnet, talos_version);
  for (int i = 0; i < control_planes; ++i) {
    out.nodes.push_back({fmt::format("cp-{}", i + 1), fmt::format("127.10.{}.{}", subnet, 11 + i),
                         "controlplane", ""});
  }
  for (int i = 0; i < workers; ++i) {
    out.nodes.push_back({fmt::format("w-{}", i + 1), fmt::format("127.10.{}.{}", subnet, 21 + i),
                         "worker", ""});
  }
  for (const auto& n : out.nodes) {
    yaml += fmt::format("  - name: {}\n    role: {}\n    address: {}\n", n.name, n.role, n.address);
  }
  EXPECT_TRUE(util::write_file_atomic(out.dir + "/cluster.yaml", yaml, 0600).ok());
  auto secrets = testing_process::talforge({"gen", "secrets", "-o", "secrets.yaml", "--force"}, out.dir);
  EXPECT_EQ(secrets.exit_code, 0) << secrets.err;
  auto config = testing_process::talforge({"gen", "config", "-f", "cluster.yaml", "--out", "out"}, out.dir);
  EXPECT_EQ(config.exit_code, 0) << config.err;
  for (auto& n : out.nodes) {
    auto text = util::read_file(out.dir + "/out/" + n.name + ".yaml");
    EXPECT_TRUE(text.ok());
    if (text.ok()) n.yaml = *text;
  }
  auto talosconfig = YAML::LoadFile(out.dir + "/out/talosconfig");
  auto context = talosconfig["contexts"][talosconfig["context"].as<std::string>()];
  out.admin.ca_pem = decode(context["ca"]);
  out.admin.crt_pem = decode(context["crt"]);
  out.admin.key_pem = decode(context["key"]);
  return out;
}

talos_emu::EmulatorOptions fast_options() {
  talos_emu::EmulatorOptions options;
  options.timing.time_scale = 0.001;
  options.schema_dir = std::string(TALFORGE_SHARED_DIR) + "/reference/talos";
  return options;
}

std::unique_ptr<talos::Api> maintenance_client(const std::string& address) {
  talos::ConnectOptions options;
  options.endpoint = address;
  options.mode = talos::ConnectMode::Maintenance;
  options.call_timeout = std::chrono::milliseconds(3000);
  options.retry.max_attempts = 1;
  auto api = talos::make_grpc_api(options);
  EXPECT_TRUE(api.ok());
  return api.ok() ? std::move(*api) : nullptr;
}

std::unique_ptr<talos::Api> secure_client(const std::string& address,
                                          const talos::Credentials& credentials,
                                          const std::string& node) {
  talos::ConnectOptions options;
  options.endpoint = address;
  options.node = node;
  options.mode = talos::ConnectMode::Secure;
  options.credentials = credentials;
  options.call_timeout = std::chrono::milliseconds(3000);
  options.retry.max_attempts = 1;
  auto api = talos::make_grpc_api(options);
  EXPECT_TRUE(api.ok());
  return api.ok() ? std::move(*api) : nullptr;
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

void install_cluster(talos_emu::Emulator& emulator, const GeneratedCluster& cluster) {
  int i = 0;
  for (const auto& n : cluster.nodes) {
    talos_emu::NodeSpec spec;
    spec.address = n.address;
    spec.uuid = fmt::format("6a1f0000-0000-4000-8000-{:012}", ++i);
    spec.memory_mib = n.role == "controlplane" ? 4096 : 2048;
    spec.talos_version = cluster.talos_version;
    ASSERT_TRUE(emulator.power_on(spec).ok());
  }
  for (const auto& n : cluster.nodes) {
    ASSERT_TRUE(wait_until([&] {
      return emulator.find_node(n.address)->snapshot().stage ==
             machine::MachineStatusEvent::MAINTENANCE;
    })) << n.address;
    auto api = maintenance_client(n.address);
    ASSERT_TRUE(wait_until([&] { return api->disks().ok(); })) << n.address;
    auto applied = api->apply_configuration(n.yaml, talos::ApplyMode::Auto, false);
    ASSERT_TRUE(applied.ok()) << n.address << ": " << applied.error().describe();
  }
  for (const auto& n : cluster.nodes) {
    if (n.role != "controlplane") continue;
    auto api = secure_client(n.address, cluster.admin);
    ASSERT_TRUE(wait_until([&] { return api->version().ok(); }))
        << n.address << ": " << api->version().error().describe() << " (" << describe(emulator, n.address) << ")";
  }
}

bool node_ready(talos_emu::Emulator& emulator, const std::string& address) {
  auto s = emulator.find_node(address)->snapshot();
  return s.stage == machine::MachineStatusEvent::RUNNING && s.ready;
}

void bring_up_cluster(talos_emu::Emulator& emulator, const GeneratedCluster& cluster) {
  install_cluster(emulator, cluster);
  if (::testing::Test::HasFatalFailure()) return;
  auto api = secure_client(cluster.nodes.front().address, cluster.admin);
  ASSERT_TRUE(wait_until([&] { return api->bootstrap().ok(); }));
  for (const auto& n : cluster.nodes) {
    ASSERT_TRUE(wait_until([&] { return node_ready(emulator, n.address); }))
        << n.address << " " << describe(emulator, n.address);
  }
}

std::shared_ptr<grpc::Channel> secure_channel(const std::string& address,
                                              const talos::Credentials& credentials) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = credentials.ca_pem;
  tls.pem_cert_chain = credentials.crt_pem;
  // Talos labels Ed25519 PKCS#8 keys "ED25519 PRIVATE KEY"; gRPC's OpenSSL wants "PRIVATE KEY".
  std::string key = credentials.key_pem;
  for (size_t at; (at = key.find("ED25519 PRIVATE KEY")) != std::string::npos;) {
    key.replace(at, 19, "PRIVATE KEY");
  }
  tls.pem_private_key = key;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(32 << 20);
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);  // as talforge's client does
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address + ":50000", grpc::SslCredentials(tls), args);
}

}  // namespace talos_emu_test
