// The admin HTTP API: power on/off, node state, faults, counters, critical path (README.md).
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "emulators/talos/admin_api.h"
#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

using nlohmann::json;

TEST(AdminApi, PowersNodesOnInjectsFaultsAndCounts) {
  talos_emu::Emulator emulator(fast_options());
  auto api = talos_emu::AdminApi::start(emulator, "127.0.0.1", 0);
  ASSERT_TRUE(api.ok()) << api.error().describe();
  httplib::Client http((*api)->url());

  auto created = http.Post("/v1/nodes",
                           R"({"address":"127.10.46.11","uuid":"6a1f0000-0000-4000-8000-000000000046",
                               "memory_mib":2048,"disk_gib":10,"talos_version":"v1.11.6"})",
                           "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  auto again = http.Post("/v1/nodes", R"({"address":"127.10.46.11"})", "application/json");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  auto not_loopback = http.Post("/v1/nodes", R"({"address":"example.invalid"})", "application/json");
  ASSERT_TRUE(not_loopback);
  EXPECT_EQ(not_loopback->status, 400);
  auto wrong_type = http.Post("/v1/nodes", R"({"address":"127.10.46.12","memory_mib":"lots"})",
                              "application/json");
  ASSERT_TRUE(wrong_type);
  EXPECT_EQ(wrong_type->status, 400);

  ASSERT_TRUE(wait_until([&] {
    auto r = http.Get("/v1/nodes/127.10.46.11");
    return r && r->status == 200 && json::parse(r->body)["stage"] == "maintenance";
  }));
  auto client = maintenance_client("127.10.46.11");
  ASSERT_TRUE(wait_until([&] { return client->disks().ok(); }));

  auto faults = http.Post("/v1/nodes/127.10.46.11/faults",
                          R"({"apply_fails":"disk on fire"})", "application/json");
  ASSERT_TRUE(faults);
  EXPECT_EQ(faults->status, 200);
  auto applied = client->apply_configuration("version: v1alpha1\n", talos::ApplyMode::Auto, false);
  ASSERT_FALSE(applied.ok());
  EXPECT_NE(applied.error().describe().find("disk on fire"), std::string::npos);

  http.Post("/v1/nodes/127.10.46.11/faults", R"({"unreachable":true})", "application/json");
  EXPECT_FALSE(client->disks().ok());
  http.Post("/v1/nodes/127.10.46.11/faults", R"({"unreachable":false})", "application/json");
  EXPECT_TRUE(wait_until([&] { return client->disks().ok(); }));

  auto counters = http.Get("/v1/counters");
  ASSERT_TRUE(counters);
  auto body = json::parse(counters->body);
  EXPECT_EQ(body["apply_calls"]["127.10.46.11"], 1);
  EXPECT_EQ(body["rpc_calls"]["/machine.MachineService/ApplyConfiguration"], 1);
  EXPECT_GE(body["rpc_calls"]["/storage.StorageService/Disks"], 2);
  EXPECT_FALSE(body["rpc_calls"].contains("/machine.MachineService/Bootstrap"));
  EXPECT_EQ(body["bootstrap_calls"], 0);
  EXPECT_TRUE(http.Get("/v1/critical-path"));

  auto off = http.Post("/v1/nodes/127.10.46.11/power-off", "", "application/json");
  ASSERT_TRUE(off);
  EXPECT_EQ(off->status, 200);
  EXPECT_FALSE(client->disks().ok());
  auto missing = http.Post("/v1/nodes/127.10.46.99/power-off", "", "application/json");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

}  // namespace
}  // namespace talos_emu_test
