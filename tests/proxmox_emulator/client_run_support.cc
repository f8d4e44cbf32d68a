#include "client_run_support.h"

#include <httplib.h>

#include <iostream>

#include <fmt/format.h>

#include "proxmox/curl_transport.h"
#include "util/clock.h"

namespace pve_test {
namespace {

using nlohmann::json;

long long validated_in_this_process = 0;

// Prints the total once all tests of the process ran (ctest runs one test per process).
class ValidatedRequestsReport : public ::testing::Environment {
 public:
  void TearDown() override {
    if (validated_in_this_process > 0) {
      std::cout << "[pve] talforge client requests validated by the proxmox emulator in this "
                   "process: "
                << validated_in_this_process << "\n";
    }
  }
};

[[maybe_unused]] ::testing::Environment* const kReport =
    ::testing::AddGlobalTestEnvironment(new ValidatedRequestsReport);

json admin_get(const pve_emu::ProxmoxServer& server, const std::string& path) {
  httplib::SSLClient http("127.0.0.1", server.port());
  http.enable_server_certificate_verification(false);
  auto res = http.Get(path.c_str());
  return res ? json::parse(res->body, nullptr, false) : json();
}

}  // namespace

void ClientAgainstEmulator::start(const std::string& pve_version, int pve_nodes) {
  auto factory = factory_emu::FactoryServer::start("127.0.0.1", 0);
  ASSERT_TRUE(factory.ok()) << factory.error().describe();
  factory_ = std::move(*factory);
  pve_ = start_emulator(pve_version, pve_nodes);
  ASSERT_TRUE(pve_);
}

proxmox::Api& ClientAgainstEmulator::new_run() {
  proxmox::Connection c;
  c.endpoint = pve_->url();
  c.token_id = kAdminToken;
  c.token_secret = proxmox::TokenSecret(kAdminSecret);
  c.trust.fingerprint = pve_->fingerprint();
  auto transport = proxmox::make_curl_transport(c);
  EXPECT_TRUE(transport.ok()) << transport.error().describe();
  proxmox::RetryPolicy fast;  // same attempts, shorter waits: the emulator runs at 1/100
  fast.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
  ClientRun run;
  run.client =
      std::make_unique<proxmox::Client>(std::move(*transport), util::system_clock(), fast);
  proxmox::HttpApiOptions options;
  options.task_wait.poll = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
  options.action_backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
  run.api = proxmox::make_http_api(*run.client, options);
  runs_.push_back(std::move(run));
  return *runs_.back().api;
}

factory::BootAsset ClientAgainstEmulator::boot_asset(const std::string& talos_version,
                                                     const std::string& extension) {
  const factory::Schematic schematic =
      factory::make_schematic({"siderolabs/qemu-guest-agent"}, {});
  auto id = factory::register_schematic(factory_->url(), schematic);
  EXPECT_TRUE(id.ok()) << id.error().describe();
  factory::BootAsset asset = factory::boot_iso(factory_->url(), *id, talos_version, "nocloud");
  if (extension != "iso") {
    asset.url = asset.url.substr(0, asset.url.size() - 3) + extension;
    asset.filename = asset.filename.substr(0, asset.filename.size() - 3) + extension;
  }
  return asset;
}

proxmox::VmSpec ClientAgainstEmulator::vm_spec(int vmid, const std::string& name) const {
  proxmox::VmSpec s;
  s.pve_node = "pve1";
  s.vmid = vmid;
  s.name = name;
  s.disk_storage = "local-lvm";
  s.mac = fmt::format("BC:24:11:00:00:{:02X}", vmid % 256);
  s.ip_cidr = fmt::format("127.10.0.{}/8", vmid % 200);
  s.gateway = "127.10.0.1";
  s.nameservers = {"127.10.0.1"};
  s.smbios_uuid = fmt::format("5b0d2c4e-8a1f-4e8b-9a51-0000000{:05d}", vmid);
  s.cluster = "ci";
  s.role = "worker";
  return s;
}

json ClientAgainstEmulator::counters() const { return admin_get(*pve_, "/_emulator/counters"); }

long long ClientAgainstEmulator::requests_to(const std::string& endpoint) const {
  return counters()["requests"].value(endpoint, 0LL);
}

PveClient& ClientAgainstEmulator::outside() {
  if (!outside_) {
    outside_ = std::make_unique<PveClient>(*pve_, kAdminToken, kAdminSecret);
  }
  return *outside_;
}

void ClientAgainstEmulator::TearDown() {
  if (!pve_) {
    return;
  }
  long long sent = 0;
  for (const ClientRun& run : runs_) {
    sent += run.client->requests_sent();
  }
  const long long by_outside = outside_ ? outside_->requests_sent() : 0;
  const json c = counters();
  EXPECT_EQ(c["validation_failures"], 0) << c.dump();
  EXPECT_EQ(c["validation_passes"].get<long long>(), sent + by_outside) << c.dump();
  validated_in_this_process += sent;
  RecordProperty("pve_requests_validated", std::to_string(sent));
  std::cout << "[pve] " << sent << " talforge client requests, all schema-valid\n";
}

}  // namespace pve_test
