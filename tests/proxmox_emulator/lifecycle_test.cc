// Happy paths: boot image from the Image Factory emulator, create → start → status → agent →
// stop → destroy with every task polled; storage content; config updates and resize.
#include <httplib.h>

#include <thread>

#include <gtest/gtest.h>

#include "emulators/factory/server.h"
#include "pve_test_support.h"

namespace pve_test {
namespace {

using nlohmann::json;

class Lifecycle : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = start_emulator("8.4", 2);
    ASSERT_TRUE(server_);
    api_ = std::make_unique<PveClient>(*server_, kAdminToken, kAdminSecret);
    auto factory = factory_emu::FactoryServer::start("127.0.0.1", 0);
    ASSERT_TRUE(factory.ok());
    factory_ = std::move(*factory);
  }

  std::string schematic(const std::string& extensions_yaml) {
    httplib::Client client("127.0.0.1", factory_->port());
    auto res = client.Post("/schematics",
                           "customization:\n  systemExtensions:\n    officialExtensions: " +
                               extensions_yaml + "\n",
                           "application/yaml");
    EXPECT_TRUE(res && res->status == 201);
    return json::parse(res->body).at("id");
  }

  // Downloads the nocloud ISO of `schematic_id` into local on `node` as `filename`.
  void download_iso(const std::string& node, const std::string& schematic_id,
                    const std::string& filename) {
    ApiResponse r = api_->post(
        "/nodes/" + node + "/storage/local/download-url",
        {{"url", factory_->url() + "/image/" + schematic_id + "/v1.11.6/nocloud-amd64.iso"},
         {"content", "iso"},
         {"filename", filename}});
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_EQ(api_->wait_task(r.data()).at("exitstatus"), "OK");
  }

  std::string create_talos_vm(int vmid, const std::string& iso, const std::string& ip) {
    ApiResponse r = api_->post("/nodes/pve1/qemu",
                               {{"vmid", std::to_string(vmid)},
                                {"name", "cp-1"},
                                {"ostype", "l26"},
                                {"machine", "q35"},
                                {"bios", "ovmf"},
                                {"efidisk0", "local-lvm:1,efitype=4m,pre-enrolled-keys=0"},
                                {"cpu", "host"},
                                {"cores", "2"},
                                {"memory", "2048"},
                                {"balloon", "0"},
                                {"scsihw", "virtio-scsi-single"},
                                {"scsi0", "local-lvm:10,discard=on,iothread=1,ssd=1"},
                                {"ide2", "local-lvm:cloudinit"},
                                {"ide3", "local:iso/" + iso + ",media=cdrom"},
                                {"net0", "virtio,bridge=vmbr0"},
                                {"ipconfig0", "ip=" + ip + "/24,gw=127.10.0.1"},
                                {"nameserver", "127.10.0.1"},
                                {"agent", "1"},
                                {"serial0", "socket"},
                                {"boot", "order=scsi0;ide3"},
                                {"tags", "talforge;lab;controlplane"},
                                {"description", "managed-by: talforge"},
                                {"smbios1", "uuid=5b1f3c4e-0000-4a56-9d0e-5d6b2f3c4e5a"}});
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.data();
  }

  std::unique_ptr<pve_emu::ProxmoxServer> server_;
  std::unique_ptr<PveClient> api_;
  std::unique_ptr<factory_emu::FactoryServer> factory_;
};

TEST_F(Lifecycle, CreateStartAgentStopDestroy) {
  download_iso("pve1", schematic("[siderolabs/qemu-guest-agent]"), "talos-agent.iso");
  const std::string create = create_talos_vm(201, "talos-agent.iso", "127.10.0.11");
  EXPECT_EQ(upid_node(create), "pve1");
  EXPECT_TRUE(create.starts_with("UPID:pve1:")) << create;
  EXPECT_TRUE(create.ends_with(":qmcreate:201:talforge@pve!ci:")) << create;
  json done = api_->wait_task(create);
  EXPECT_EQ(done.at("exitstatus"), "OK");
  EXPECT_EQ(done.at("user"), "talforge@pve");
  EXPECT_EQ(done.at("tokenid"), "ci");

  json config = api_->get("/nodes/pve1/qemu/201/config").data();
  EXPECT_EQ(config.at("scsi0"), "local-lvm:vm-201-disk-1,discard=on,iothread=1,size=10G,ssd=1");
  EXPECT_EQ(config.at("efidisk0"), "local-lvm:vm-201-disk-0,efitype=4m,pre-enrolled-keys=0,size=4M");
  EXPECT_EQ(config.at("ide2"), "local-lvm:vm-201-cloudinit,media=cdrom");
  EXPECT_EQ(config.at("cores"), 2);
  EXPECT_EQ(config.at("memory"), "2048");
  EXPECT_EQ(config.at("balloon"), 0);
  EXPECT_TRUE(config.at("net0").get<std::string>().starts_with("virtio=BC:24:11:"));
  EXPECT_EQ(config.at("digest").get<std::string>().size(), 40u);

  EXPECT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/201/status/start").data())
                .at("exitstatus"),
            "OK");
  json status = api_->get("/nodes/pve1/qemu/201/status/current").data();
  EXPECT_EQ(status.at("status"), "running");
  EXPECT_EQ(status.at("qmpstatus"), "running");
  EXPECT_EQ(status.at("agent"), 1);
  EXPECT_EQ(status.at("maxmem"), 2048LL << 20);
  EXPECT_EQ(status.at("maxdisk"), 10LL << 30);

  ApiResponse agent;
  for (int i = 0; i < 100; ++i) {  // the guest boots for 2 emulated seconds
    agent = api_->get("/nodes/pve1/qemu/201/agent/network-get-interfaces");
    if (agent.status == 200) {
      break;
    }
    EXPECT_EQ(agent.body.at("message"), "QEMU guest agent is not running\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(agent.status, 200) << agent.raw;
  const json& eth0 = agent.data().at("result").at(1);
  EXPECT_EQ(eth0.at("name"), "eth0");
  std::string mac = config.at("net0").get<std::string>().substr(7, 17);
  std::transform(mac.begin(), mac.end(), mac.begin(), ::tolower);
  EXPECT_EQ(eth0.at("hardware-address"), mac);
  EXPECT_EQ(eth0.at("ip-addresses").at(0),
            (json{{"ip-address", "127.10.0.11"}, {"ip-address-type", "ipv4"}, {"prefix", 24}}));

  ApiResponse running_delete = api_->del("/nodes/pve1/qemu/201");
  EXPECT_EQ(running_delete.status, 500);
  EXPECT_EQ(running_delete.body.at("message"), "VM 201 is running - destroy failed\n");

  EXPECT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/201/status/stop").data())
                .at("exitstatus"),
            "OK");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/201/status/current").data().at("status"), "stopped");
  ApiResponse destroy =
      api_->del("/nodes/pve1/qemu/201", {{"purge", "1"}, {"destroy-unreferenced-disks", "1"}});
  ASSERT_EQ(destroy.status, 200) << destroy.raw;
  EXPECT_EQ(api_->wait_task(destroy.data()).at("exitstatus"), "OK");
  EXPECT_EQ(api_->get("/cluster/resources", {{"type", "vm"}}).data(), json::array());
  EXPECT_EQ(api_->get("/nodes/pve1/storage/local-lvm/content").data(), json::array());
  json counters = api_->counters();
  EXPECT_EQ(counters.at("vms_created"), 1);
  EXPECT_EQ(counters.at("vms_destroyed"), 1);
  EXPECT_EQ(counters.at("validation_failures"), 0);
}

TEST_F(Lifecycle, AgentNeedsTheExtensionInTheBootImage) {
  download_iso("pve1", schematic("[siderolabs/iscsi-tools]"), "talos-plain.iso");
  ASSERT_EQ(api_->wait_task(create_talos_vm(202, "talos-plain.iso", "127.10.0.12"))
                .at("exitstatus"),
            "OK");
  ASSERT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/202/status/start").data())
                .at("exitstatus"),
            "OK");
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  ApiResponse agent = api_->get("/nodes/pve1/qemu/202/agent/network-get-interfaces");
  EXPECT_EQ(agent.status, 500);
  EXPECT_EQ(agent.body, (json{{"data", nullptr}, {"message", "QEMU guest agent is not running\n"}}));
  // A running VM keeps the agent until it stops (the change is pending).
  ASSERT_EQ(api_->put("/nodes/pve1/qemu/202/config", {{"delete", "agent"}}).status, 200);
  ASSERT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/202/status/stop").data())
                .at("exitstatus"),
            "OK");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/202/agent/network-get-interfaces").body.at("message"),
            "No QEMU guest agent configured\n");
}

TEST_F(Lifecycle, DownloadIsListedAndNotRepeated) {
  const std::string id = schematic("[siderolabs/qemu-guest-agent]");
  download_iso("pve2", id, "talos.iso");
  json content = api_->get("/nodes/pve2/storage/local/content", {{"content", "iso"}}).data();
  ASSERT_EQ(content.size(), 1u);
  EXPECT_EQ(content.at(0).at("volid"), "local:iso/talos.iso");
  EXPECT_EQ(content.at(0).at("format"), "iso");
  EXPECT_EQ(api_->get("/nodes/pve1/storage/local/content").data(), json::array());
  ApiResponse again = api_->post(
      "/nodes/pve2/storage/local/download-url",
      {{"url", factory_->url() + "/image/" + id + "/v1.11.6/nocloud-amd64.iso"},
       {"content", "iso"},
       {"filename", "talos.iso"}});
  json status = api_->wait_task(again.data());
  EXPECT_EQ(status.at("exitstatus"),
            "refusing to override existing file '/var/lib/vz/template/iso/talos.iso'");
  ApiResponse log = api_->get("/nodes/pve2/tasks/" + url_encode(again.data()) + "/log");
  EXPECT_EQ(log.body.at("total"), log.data().size());
  EXPECT_EQ(log.data().back().at("t"),
            "TASK ERROR: refusing to override existing file '/var/lib/vz/template/iso/talos.iso'");
}

TEST_F(Lifecycle, DownloadRefusesNonLoopbackHosts) {
  ApiResponse r = api_->post("/nodes/pve1/storage/local/download-url",
                             {{"url", "https://factory.talos.dev/image/x/v1.11.6/nocloud-amd64.iso"},
                              {"content", "iso"},
                              {"filename", "talos.iso"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(api_->wait_task(r.data()).at("exitstatus"),
            "download failed: the proxmox emulator only fetches from loopback hosts, not "
            "'factory.talos.dev'");
}

TEST_F(Lifecycle, ImportedDiskBootsTheImportedImageAndGrows) {
  const std::string id = schematic("[siderolabs/qemu-guest-agent]");
  ApiResponse dl = api_->post(
      "/nodes/pve1/storage/local/download-url",
      {{"url", factory_->url() + "/image/" + id + "/v1.11.6/nocloud-amd64.qcow2"},
       {"content", "import"},
       {"filename", "talos-v1.11.6.qcow2"}});
  ASSERT_EQ(dl.status, 200) << dl.raw;
  ASSERT_EQ(api_->wait_task(dl.data()).at("exitstatus"), "OK");
  ApiResponse created = api_->post(
      "/nodes/pve1/qemu",
      {{"vmid", "210"},
       {"scsi0", "local-lvm:0,import-from=local:import/talos-v1.11.6.qcow2,iothread=1"},
       {"agent", "1"}});
  ASSERT_EQ(created.status, 200) << created.raw;
  ASSERT_EQ(api_->wait_task(created.data()).at("exitstatus"), "OK");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/210/config").data().at("scsi0"),
            "local-lvm:vm-210-disk-0,iothread=1,size=1G");
  json resized = api_->wait_task(
      api_->put("/nodes/pve1/qemu/210/resize", {{"disk", "scsi0"}, {"size", "+9G"}}).data());
  EXPECT_EQ(resized.at("exitstatus"), "OK");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/210/config").data().at("scsi0"),
            "local-lvm:vm-210-disk-0,iothread=1,size=10G");
  json shrink = api_->wait_task(
      api_->put("/nodes/pve1/qemu/210/resize", {{"disk", "scsi0"}, {"size", "5G"}}).data());
  EXPECT_EQ(shrink.at("exitstatus"), "shrinking disks is not supported");
}

TEST_F(Lifecycle, RunningVmKeepsColdChangesPendingUntilStop) {
  download_iso("pve1", schematic("[]"), "talos.iso");
  ASSERT_EQ(api_->wait_task(create_talos_vm(220, "talos.iso", "127.10.0.13")).at("exitstatus"),
            "OK");
  ASSERT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/220/status/start").data())
                .at("exitstatus"),
            "OK");
  const std::string digest = api_->get("/nodes/pve1/qemu/220/config").data().at("digest");
  ApiResponse stale = api_->put("/nodes/pve1/qemu/220/config",
                                {{"memory", "4096"}, {"digest", std::string(40, '0')}});
  EXPECT_EQ(stale.body.at("message"), "checksum mismatch (file change by other user?)\n");
  ASSERT_EQ(api_->put("/nodes/pve1/qemu/220/config", {{"memory", "4096"}, {"digest", digest}})
                .status,
            200);
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/220/config", {{"current", "1"}}).data().at("memory"),
            "2048");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/220/config").data().at("memory"), "4096");
  json pending = api_->get("/nodes/pve1/qemu/220/pending").data();
  bool found = false;
  for (const json& item : pending) {
    if (item.at("key") == "memory") {
      found = item.at("pending") == "4096" && item.at("value") == "2048";
    }
  }
  EXPECT_TRUE(found) << pending.dump();
  ASSERT_EQ(api_->wait_task(api_->post("/nodes/pve1/qemu/220/status/stop").data())
                .at("exitstatus"),
            "OK");
  EXPECT_EQ(api_->get("/nodes/pve1/qemu/220/config", {{"current", "1"}}).data().at("memory"),
            "4096");
}

TEST(LifecycleVersions, VersionStringsAndResizeKindPerRelease) {
  for (const auto& [release, version] :
       std::vector<std::pair<std::string, std::string>>{{"7.4", "7.4-19"}, {"9.1", "9.1.1"}}) {
    auto server = start_emulator(release, 1);
    ASSERT_TRUE(server);
    PveClient api(*server, kAdminToken, kAdminSecret);
    EXPECT_EQ(api.get("/version").data().at("version"), version);
    ApiResponse created = api.post("/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:2"}});
    ASSERT_EQ(created.status, 200) << created.raw;
    ASSERT_EQ(api.wait_task(created.data()).at("exitstatus"), "OK");
    ApiResponse resize = api.put("/nodes/pve1/qemu/100/resize", {{"disk", "scsi0"}, {"size", "4G"}});
    ASSERT_EQ(resize.status, 200) << resize.raw;
    if (release == "7.4") {
      EXPECT_TRUE(resize.data().is_null());  // synchronous before 8.0
    } else {
      EXPECT_EQ(api.wait_task(resize.data()).at("exitstatus"), "OK");
    }
  }
}

TEST(JsonBody, BooleansAndListsAreAcceptedAsJson) {
  auto server = start_emulator("8.4", 1);
  ASSERT_TRUE(server);
  httplib::SSLClient client("127.0.0.1", server->port());
  client.enable_server_certificate_verification(false);
  const httplib::Headers auth = {
      {"Authorization", std::string("PVEAPIToken=") + kAdminToken + "=" + kAdminSecret}};
  auto res = client.Post("/api2/json/nodes/pve1/qemu", auth,
                         json{{"vmid", 150}, {"onboot", true}, {"tags", {"talforge", "lab"}},
                              {"net0", "virtio,bridge=vmbr0"}}
                             .dump(),
                         "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  PveClient api(*server, kAdminToken, kAdminSecret);
  ASSERT_EQ(api.wait_task(json::parse(res->body).at("data")).at("exitstatus"), "OK");
  json config = api.get("/nodes/pve1/qemu/150/config").data();
  EXPECT_EQ(config.at("onboot"), 1);
  EXPECT_EQ(config.at("tags"), "talforge,lab");
  json counters = api.counters();
  EXPECT_EQ(counters.at("validation_failures"), 0);
  EXPECT_GE(counters.at("validation_passes"), 3);
  json permissions = api.get("/access/permissions", {{"path", "/vms"}}).data();
  EXPECT_EQ(permissions.at("/vms").at("VM.Allocate"), 1);
}

TEST(Fingerprint, PresentedCertificateMatchesPrintedAndNodesFingerprint) {
  auto server = start_emulator("8.4", 2);
  ASSERT_TRUE(server);
  const std::string printed = server->fingerprint();
  EXPECT_EQ(printed.size(), 95u);  // 32 bytes "AA:" …
  EXPECT_EQ(presented_fingerprint(server->port()), printed);
  PveClient api(*server, kAdminToken, kAdminSecret);
  json nodes = api.get("/nodes").data();
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_EQ(nodes.at(0).at("ssl_fingerprint"), printed);
  EXPECT_EQ(nodes.at(1).at("node"), "pve2");
}

}  // namespace
}  // namespace pve_test
