// talforge's own Proxmox client (src/proxmox) against the Proxmox VE emulator, with boot images
// from the Image Factory emulator: the client's requests must pass the emulator's schema
// validation, and its retries must survive a flaky server without duplicating or leaking VMs.
#include <httplib.h>

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "emulators/factory/server.h"
#include "emulators/proxmox/server.h"
#include "factory/client.h"
#include "proxmox/api.h"
#include "proxmox/curl_transport.h"
#include "util/file.h"
#include "unique_dir.h"

namespace {

using nlohmann::json;

const char* kSecret = "0f4b7d7e-51a4-4f55-b2b5-9c5c2e8a1d33";

class TalforgeClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto factory = factory_emu::FactoryServer::start("127.0.0.1", 0);
    ASSERT_TRUE(factory.ok());
    factory_ = std::move(*factory);
    const std::string tokens = testing_paths::unique_dir("pve-tokens") + "/tokens.json";
    const json doc = {{"tokens", json::array({{{"id", "talforge@pve!ci"},
                                                {"secret", kSecret},
                                                {"roles", json::array({"Administrator"})}}})}};
    ASSERT_TRUE(util::write_file_atomic(tokens, doc.dump(), 0600).ok());
    pve_emu::EmulatorOptions options;
    options.port = 0;
    options.nodes = 2;
    options.time_scale = 0.001;
    options.tokens_file = tokens;
    auto pve = pve_emu::ProxmoxServer::start(options);
    ASSERT_TRUE(pve.ok()) << pve.error().describe();
    pve_ = std::move(*pve);
    proxmox::Connection c;
    c.endpoint = pve_->url();
    c.token_id = "talforge@pve!ci";
    c.token_secret = proxmox::TokenSecret(kSecret);
    c.trust.fingerprint = pve_->fingerprint();
    auto transport = proxmox::make_curl_transport(c);
    ASSERT_TRUE(transport.ok()) << transport.error().message;
    proxmox::RetryPolicy fast;  // same attempts, shorter waits: the emulator runs at 1/1000
    fast.backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
    client_ = std::make_unique<proxmox::Client>(std::move(*transport), util::system_clock(), fast);
    proxmox::HttpApiOptions api_options;
    api_options.task_wait.poll = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
    api_options.action_attempts = 8;
    api_options.action_backoff = {std::chrono::milliseconds(5), std::chrono::milliseconds(20)};
    api_ = proxmox::make_http_api(*client_, api_options);
  }

  json admin(const std::string& method, const std::string& path, const std::string& body = "") {
    httplib::SSLClient http("127.0.0.1", pve_->port());
    http.enable_server_certificate_verification(false);
    auto res = method == "GET" ? http.Get(path.c_str())
                               : http.Post(path.c_str(), body, "application/json");
    EXPECT_TRUE(res);
    return res ? json::parse(res->body, nullptr, false) : json();
  }

  proxmox::VmSpec spec(int vmid, const std::string& name, const std::string& iso) {
    proxmox::VmSpec s;
    s.pve_node = "pve1";
    s.vmid = vmid;
    s.name = name;
    s.disk_storage = "local-lvm";
    s.boot_iso = iso;
    s.mac = fmt::format("BC:24:11:00:00:{:02X}", vmid % 256);
    s.ip_cidr = fmt::format("127.10.0.{}/24", vmid % 200);
    s.gateway = "127.10.0.1";
    s.nameservers = {"127.10.0.1"};
    s.smbios_uuid = fmt::format("5b0d2c4e-8a1f-4e8b-9a51-0000000{:05d}", vmid);
    s.cluster = "ci";
    s.role = "worker";
    return s;
  }

  std::string boot_iso() {
    const factory::Schematic schematic = factory::make_schematic({"siderolabs/qemu-guest-agent"}, {});
    auto id = factory::register_schematic(factory_->url(), schematic);
    EXPECT_TRUE(id.ok());
    const factory::BootAsset asset = factory::boot_iso(factory_->url(), *id, "v1.11.6", "nocloud");
    auto volid = api_->ensure_downloaded({"pve1", "local", asset.url, asset.filename, "iso", ""});
    EXPECT_TRUE(volid.ok()) << (volid.ok() ? "" : volid.error().describe());
    return volid.ok() ? *volid : "";
  }

  std::unique_ptr<factory_emu::FactoryServer> factory_;
  std::unique_ptr<pve_emu::ProxmoxServer> pve_;
  std::unique_ptr<proxmox::Client> client_;
  std::unique_ptr<proxmox::Api> api_;
};

TEST_F(TalforgeClientTest, VmLifecyclePassesTheEmulatorsSchemaValidation) {
  auto version = api_->version();
  ASSERT_TRUE(version.ok()) << version.error().describe();
  EXPECT_EQ(version->major, 8);
  const std::string iso = boot_iso();
  ASSERT_EQ(iso, "local:iso/talos-ce4c980550dd-v1.11.6-nocloud-amd64.iso");
  ASSERT_EQ(boot_iso(), iso);  // present: not downloaded again

  ASSERT_TRUE(api_->create_vm(spec(1201, "worker-1", iso)).ok());
  auto config = api_->vm_config("pve1", 1201);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(proxmox::parse_ownership(config->options["description"])->node, "worker-1");
  ASSERT_TRUE(api_->create_vm(spec(1201, "worker-1", iso)).ok());  // ours already: no-op
  ASSERT_TRUE(api_->start_vm("pve1", 1201).ok());
  ASSERT_TRUE(api_->resize_disk("pve1", 1201, "scsi0", 12).ok());
  auto state = api_->cluster();
  ASSERT_TRUE(state.ok());
  ASSERT_NE(state->find_vm(1201), nullptr);
  ASSERT_TRUE(api_->destroy_vm("pve1", 1201).ok());
  state = api_->cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->find_vm(1201), nullptr);

  const json counters = admin("GET", "/_emulator/counters");
  EXPECT_EQ(counters["validation_failures"], 0) << counters.dump();
  EXPECT_EQ(counters["downloads"], 1) << counters.dump();
  int requests = 0;
  for (const auto& [endpoint, n] : counters["requests"].items()) {
    requests += n.get<int>();
  }
  EXPECT_EQ(requests, client_->requests_sent());
  // Unscaled emulated durations of the tasks on a VM's path (download 1 s, create 1 s, start 1 s).
  EXPECT_DOUBLE_EQ(counters["longest_task_seconds"]["download"], 1.0) << counters.dump();
  EXPECT_DOUBLE_EQ(counters["longest_task_seconds"]["qmcreate"], 1.0) << counters.dump();
  EXPECT_DOUBLE_EQ(counters["longest_task_seconds"]["qmstart"], 1.0) << counters.dump();
  std::cout << "talforge sent " << requests << " requests, all schema-valid\n";
}

TEST_F(TalforgeClientTest, FlakyServerStillGivesExactlyTheVmsAskedFor) {
  const std::string iso = boot_iso();
  ASSERT_FALSE(iso.empty());
  admin("POST", "/_emulator/faults",
        R"({"error_rate": 0.2, "lock_contention_rate": 0.1, "seed": 7})");
  for (int i = 0; i < 10; ++i) {
    const int vmid = 1300 + i;
    auto created = api_->create_vm(spec(vmid, fmt::format("node-{}", i), iso));
    ASSERT_TRUE(created.ok()) << vmid << ": " << created.error().describe();
    auto started = api_->start_vm("pve1", vmid);
    ASSERT_TRUE(started.ok()) << vmid << ": " << started.error().describe();
  }
  admin("POST", "/_emulator/faults", "{}");
  auto state = api_->cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->vms.size(), 10u);
  admin("POST", "/_emulator/faults",
        R"({"error_rate": 0.2, "lock_contention_rate": 0.1, "seed": 8})");
  for (int i = 0; i < 10; ++i) {
    auto destroyed = api_->destroy_vm("pve1", 1300 + i);
    ASSERT_TRUE(destroyed.ok()) << destroyed.error().describe();
  }
  admin("POST", "/_emulator/faults", "{}");
  const json counters = admin("GET", "/_emulator/counters");
  EXPECT_EQ(counters["vms_created"], 10) << counters.dump();
  EXPECT_EQ(counters["vms_destroyed"], 10) << counters.dump();
  EXPECT_GT(counters["injected_errors"].get<int>(), 0);
  state = api_->cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(state->vms.empty());
}

TEST_F(TalforgeClientTest, WrongPinIsRefusedBeforeTheTokenIsSent) {
  proxmox::Connection c;
  c.endpoint = pve_->url();
  c.token_id = "talforge@pve!ci";
  c.token_secret = proxmox::TokenSecret(kSecret);
  c.trust.fingerprint = std::string("00") + pve_->fingerprint().substr(2);
  auto transport = proxmox::make_curl_transport(c);
  ASSERT_TRUE(transport.ok());
  auto reply = (*transport)->send({proxmox::Method::Get, "/version", {}});
  ASSERT_FALSE(reply.ok());
  EXPECT_NE(reply.error().message.find(pve_->fingerprint()), std::string::npos);
  const json counters = admin("GET", "/_emulator/counters");
  EXPECT_EQ(counters.value("auth_failures", 0), 0);
}

}  // namespace
