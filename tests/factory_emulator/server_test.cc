#include "emulators/factory/server.h"

#include <httplib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "factory/schematic.h"

namespace factory_emu {
namespace {

using nlohmann::json;

class FactoryServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = FactoryServer::start("127.0.0.1", 0);
    ASSERT_TRUE(started.ok()) << started.error().message;
    server_ = std::move(*started);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  std::string post(const std::string& yaml) {
    auto res = client_->Post("/schematics", yaml, "application/yaml");
    EXPECT_TRUE(res);
    EXPECT_EQ(res->status, 201) << res->body;
    return json::parse(res->body).at("id").get<std::string>();
  }

  std::unique_ptr<FactoryServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(FactoryServerTest, PostedSchematicIdEqualsTalforgesOwnComputation) {
  auto ours = factory::parse_schematic(
      "customization:\n  extraKernelArgs: [console=ttyS0]\n  systemExtensions:\n"
      "    officialExtensions: [siderolabs/qemu-guest-agent, siderolabs/iscsi-tools]\n",
      "test");
  ASSERT_TRUE(ours.ok());
  const std::string id = post(factory::canonical_yaml(*ours));
  EXPECT_EQ(id, factory::schematic_id(*ours));
  auto res = client_->Get("/schematics/" + id);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, factory::canonical_yaml(*ours));
}

TEST_F(FactoryServerTest, BadSchematicIs400AndUnknownIdIs404) {
  auto bad = client_->Post("/schematics", "customization:\n  bogus: 1\n", "application/yaml");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("bogus"), std::string::npos);
  auto missing = client_->Get("/schematics/" + std::string(64, 'a'));
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(FactoryServerTest, ImageNamesItsSchematicVersionAndExtensionsAndIsCounted) {
  const std::string id = post(
      "customization:\n  systemExtensions:\n    officialExtensions: [siderolabs/qemu-guest-agent]\n");
  const std::string path = "/image/" + id + "/v1.11.6/metal-amd64.iso";
  auto res = client_->Get(path);
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_NE(res->body.find("schematic: " + id + "\n"), std::string::npos);
  EXPECT_NE(res->body.find("version: v1.11.6\n"), std::string::npos);
  EXPECT_NE(res->body.find("kind: iso\n"), std::string::npos);
  EXPECT_NE(res->body.find("extensions: siderolabs/qemu-guest-agent\n"), std::string::npos);
  ASSERT_TRUE(client_->Get(path));
  auto counters = json::parse(client_->Get("/_emulator/counters")->body);
  EXPECT_EQ(counters["image_downloads"][id + "/v1.11.6/metal-amd64.iso"], 2);
  EXPECT_EQ(counters["schematic_posts"], 1);
}

TEST_F(FactoryServerTest, ImageErrorsArePlainText) {
  const std::string vanilla = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
  auto bad_path = client_->Get("/image/" + vanilla + "/v1.11.6/metal-amd64.exe");
  ASSERT_TRUE(bad_path);
  EXPECT_EQ(bad_path->status, 400);
  auto bad_version = client_->Get("/image/" + vanilla + "/v0.1.0/metal-amd64.iso");
  ASSERT_TRUE(bad_version);
  EXPECT_EQ(bad_version->status, 404);
  auto unknown = client_->Get("/image/" + std::string(64, 'b') + "/v1.11.6/metal-amd64.iso");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(unknown->body.back(), '\n');
  auto disk = client_->Get("/image/" + vanilla + "/v1.12.11/nocloud-amd64.raw.xz");
  ASSERT_TRUE(disk);
  EXPECT_EQ(disk->status, 200);
}

TEST_F(FactoryServerTest, VersionsAndOfficialExtensionsAreJson) {
  auto versions = json::parse(client_->Get("/versions")->body);
  ASSERT_TRUE(versions.is_array());
  EXPECT_NE(std::find(versions.begin(), versions.end(), "v1.11.6"), versions.end());
  auto extensions = json::parse(client_->Get("/version/v1.11.6/extensions/official")->body);
  bool agent = false;
  for (const auto& e : extensions) {
    agent |= e.at("name") == "siderolabs/qemu-guest-agent";
    EXPECT_TRUE(e.contains("ref") && e.contains("digest") && e.contains("author"));
  }
  EXPECT_TRUE(agent);
}

}  // namespace
}  // namespace factory_emu
