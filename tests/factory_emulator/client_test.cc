// talforge's Image Factory client (src/factory/client.h) against the factory emulator.
#include "factory/client.h"

#include <httplib.h>

#include <gtest/gtest.h>

#include "emulators/factory/server.h"

namespace factory {
namespace {

class FactoryClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = factory_emu::FactoryServer::start("127.0.0.1", 0);
    ASSERT_TRUE(started.ok());
    server_ = std::move(*started);
  }
  std::unique_ptr<factory_emu::FactoryServer> server_;
};

TEST_F(FactoryClientTest, RegisteredIdMatchesAndTheBootIsoIsServed) {
  const Schematic schematic = make_schematic({"siderolabs/qemu-guest-agent"}, {});
  auto id = register_schematic(server_->url(), schematic);
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(*id, "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515");

  const BootAsset asset = boot_iso(server_->url() + "/", *id, "v1.11.6", "nocloud");
  EXPECT_EQ(asset.filename, "talos-ce4c980550dd-v1.11.6-nocloud-amd64.iso");
  httplib::Client http("127.0.0.1", server_->port());
  auto res = http.Get(asset.url.substr(server_->url().size()));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_NE(res->body.find("version: v1.11.6"), std::string::npos);
}

TEST_F(FactoryClientTest, UnreachableFactoryIsUnavailable) {
  const std::string url = server_->url();
  server_->stop();
  auto id = register_schematic(url, make_schematic({}, {}));
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.error().code, util::ErrorCode::Unavailable);
}

}  // namespace
}  // namespace factory
