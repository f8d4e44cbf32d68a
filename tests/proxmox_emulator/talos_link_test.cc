// Starting a VM powers on a node in the Talos emulator (a fake admin API here); stopping powers
// it off.
#include <httplib.h>

#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "emulators/factory/server.h"
#include "pve_test_support.h"

namespace pve_test {
namespace {

using nlohmann::json;

// Records every POST the Proxmox emulator makes to the Talos admin API.
class FakeTalosAdmin {
 public:
  FakeTalosAdmin() {
    server_.Post(R"(/v1/nodes(/.*)?)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mutex_);
      posts_.emplace_back(req.path, req.body);
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeTalosAdmin() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::pair<std::string, std::string>> posts() {
    std::lock_guard lock(mutex_);
    return posts_;
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::pair<std::string, std::string>> posts_;
};

TEST(TalosLink, StartPowersOnTheBootImagesTalosAndStopPowersOff) {
  FakeTalosAdmin talos;
  auto server = start_emulator("8.4", 1, talos.url());
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  auto factory = factory_emu::FactoryServer::start("127.0.0.1", 0);
  ASSERT_TRUE(factory.ok());
  httplib::Client fc("127.0.0.1", (*factory)->port());
  auto posted = fc.Post("/schematics",
                        "customization:\n  systemExtensions:\n    officialExtensions: "
                        "[siderolabs/qemu-guest-agent]\n",
                        "application/yaml");
  ASSERT_TRUE(posted);
  const std::string schematic = json::parse(posted->body).at("id");
  ApiResponse dl = api.post(
      "/nodes/pve1/storage/local/download-url",
      {{"url", (*factory)->url() + "/image/" + schematic + "/v1.11.6/nocloud-amd64.iso"},
       {"content", "iso"},
       {"filename", "talos.iso"}});
  ASSERT_EQ(api.wait_task(dl.data()).at("exitstatus"), "OK");
  ApiResponse created =
      api.post("/nodes/pve1/qemu", {{"vmid", "300"},
                                    {"memory", "4096"},
                                    {"scsi0", "local-lvm:20"},
                                    {"ide3", "local:iso/talos.iso,media=cdrom"},
                                    {"ipconfig0", "ip=127.10.0.21/24"},
                                    {"smbios1", "uuid=0e2b6a4c-1d2e-4f50-9a61-7b8c9d0e1f20"}});
  ASSERT_EQ(api.wait_task(created.data()).at("exitstatus"), "OK");
  ASSERT_EQ(api.wait_task(api.post("/nodes/pve1/qemu/300/status/start").data()).at("exitstatus"),
            "OK");
  auto posts = talos.posts();
  ASSERT_EQ(posts.size(), 1u);
  EXPECT_EQ(posts[0].first, "/v1/nodes");
  EXPECT_EQ(json::parse(posts[0].second),
            (json{{"address", "127.10.0.21"},
                  {"uuid", "0e2b6a4c-1d2e-4f50-9a61-7b8c9d0e1f20"},
                  {"memory_mib", 4096},
                  {"disk_gib", 20},
                  {"talos_version", "v1.11.6"},
                  {"schematic_id", schematic},
                  {"extensions", {"siderolabs/qemu-guest-agent"}},
                  {"platform", "nocloud"}}));
  ASSERT_EQ(api.wait_task(api.post("/nodes/pve1/qemu/300/status/shutdown").data())
                .at("exitstatus"),
            "OK");
  posts = talos.posts();
  ASSERT_EQ(posts.size(), 2u);
  EXPECT_EQ(posts[1].first, "/v1/nodes/127.10.0.21/power-off");
}

TEST(TalosLink, StartWithoutATalosBootImageIsATaskWarning) {
  auto server = start_emulator("8.4", 1, "http://127.0.0.1:1");
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  ApiResponse created = api.post("/nodes/pve1/qemu", {{"vmid", "301"}, {"scsi0", "local-lvm:2"}});
  ASSERT_EQ(api.wait_task(created.data()).at("exitstatus"), "OK");
  json started = api.wait_task(api.post("/nodes/pve1/qemu/301/status/start").data());
  EXPECT_EQ(started.at("exitstatus"), "WARNINGS: 1");
  EXPECT_EQ(api.get("/nodes/pve1/qemu/301/status/current").data().at("status"), "running");
}

TEST(TalosLink, RefusesNonLoopbackAdminUrl) {
  pve_emu::EmulatorOptions options;
  options.port = 0;
  options.talos_admin_url = "http://talos.example:8080";
  auto started = pve_emu::ProxmoxServer::start(options);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find("--talos-admin must be http://127.x.y.z:<port>"),
            std::string::npos);
}

}  // namespace
}  // namespace pve_test
