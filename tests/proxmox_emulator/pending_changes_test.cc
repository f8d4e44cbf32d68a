// Changes a running VM cannot take live stay pending until its next stop/start (proxmox.md §2.9):
// the emulator models it as PVE does, and talforge's update_vm reports "reboot needed".
#include <map>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "client_run_support.h"

namespace pve_test {
namespace {

using nlohmann::json;

// key → the pending entry of GET …/pending (only entries with a pending value or delete mark).
std::map<std::string, json> pending_entries(PveClient& api, int vmid) {
  std::map<std::string, json> out;
  const ApiResponse list = api.get(fmt::format("/nodes/pve1/qemu/{}/pending", vmid));
  for (const json& item : list.data()) {
    if (item.contains("pending") || item.contains("delete")) {
      out[item.at("key")] = item;
    }
  }
  return out;
}

TEST(PendingChangesEmulator, TopologyWaitsForARestartFastOptionsApplyAtOnce) {
  auto server = start_emulator("8.4", 1);
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  ApiResponse created = api.post("/nodes/pve1/qemu", {{"vmid", "230"},
                                                      {"name", "cp-1"},
                                                      {"cores", "2"},
                                                      {"memory", "2048"},
                                                      {"hotplug", "network,disk,usb,cpu"},
                                                      {"scsi0", "local-lvm:2"}});
  ASSERT_EQ(created.status, 200) << created.raw;
  ASSERT_EQ(api.wait_task(created.data()).at("exitstatus"), "OK");

  // Stopped: everything applies at once.
  ASSERT_EQ(api.put("/nodes/pve1/qemu/230/config", {{"memory", "3072"}}).status, 200);
  EXPECT_TRUE(pending_entries(api, 230).empty());

  ASSERT_EQ(api.wait_task(api.post("/nodes/pve1/qemu/230/status/start").data()).at("exitstatus"),
            "OK");
  ASSERT_EQ(api.put("/nodes/pve1/qemu/230/config",
                    {{"cores", "4"}, {"memory", "4096"}, {"name", "cp-2"}})
                .status,
            200);
  const json current = api.get("/nodes/pve1/qemu/230/config", {{"current", "1"}}).data();
  EXPECT_EQ(current.at("name"), "cp-2");  // a "fast plug" option
  EXPECT_EQ(current.at("cores"), 2);       // cpu hot-plug adds vcpus, never cores
  EXPECT_EQ(current.at("memory"), "3072");  // no memory hot-plug
  std::map<std::string, json> pending = pending_entries(api, 230);
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending["cores"], (json{{"key", "cores"}, {"value", 2}, {"pending", 4}}));
  EXPECT_EQ(pending["memory"], (json{{"key", "memory"}, {"value", "3072"}, {"pending", "4096"}}));
  EXPECT_EQ(api.get("/nodes/pve1/qemu/230/status/current").data().at("maxmem"),
            3072LL << 20);

  // An API reboot is a stop and a start: the pending values become the config.
  ASSERT_EQ(api.wait_task(api.post("/nodes/pve1/qemu/230/status/reboot").data()).at("exitstatus"),
            "OK");
  EXPECT_TRUE(pending_entries(api, 230).empty());
  const json after = api.get("/nodes/pve1/qemu/230/config", {{"current", "1"}}).data();
  EXPECT_EQ(after.at("cores"), 4);
  EXPECT_EQ(after.at("memory"), "4096");
  EXPECT_EQ(api.get("/nodes/pve1/qemu/230/status/current").data().at("status"), "running");
}

class PendingChanges : public ClientAgainstEmulator {};

TEST_F(PendingChanges, UpdateOfARunningVmReportsRebootNeeded) {
  start("8.4", 1);
  proxmox::Api& pve = new_run();
  const factory::BootAsset asset = boot_asset("v1.11.6", "iso");
  auto iso = pve.ensure_downloaded({"pve1", "local", asset.url, asset.filename, "iso", ""});
  ASSERT_TRUE(iso.ok()) << iso.error().describe();
  proxmox::VmSpec spec = vm_spec(240, "worker-1");
  spec.boot_iso = *iso;
  ASSERT_TRUE(pve.create_vm(spec).ok());

  auto config = pve.vm_config("pve1", 240);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  auto cold = pve.update_vm("pve1", 240, {{"memory", "3072"}}, {}, config->digest);
  ASSERT_TRUE(cold.ok()) << cold.error().describe();
  EXPECT_FALSE(cold->reboot_needed);  // stopped: applied at once
  EXPECT_TRUE(cold->pending.empty());

  ASSERT_TRUE(pve.start_vm("pve1", 240).ok());
  config = pve.vm_config("pve1", 240);
  ASSERT_TRUE(config.ok());
  auto hot = pve.update_vm("pve1", 240, {{"memory", "4096"}, {"cores", "4"}}, {}, config->digest);
  ASSERT_TRUE(hot.ok()) << hot.error().describe();
  EXPECT_TRUE(hot->reboot_needed);
  EXPECT_EQ(hot->pending, (std::vector<std::string>{"cores", "memory"}));

  auto renamed = pve.update_vm("pve1", 240, {{"name", "worker-9"}}, {}, "");
  ASSERT_TRUE(renamed.ok()) << renamed.error().describe();
  EXPECT_TRUE(renamed->reboot_needed);  // the earlier changes still wait

  ASSERT_TRUE(pve.stop_vm("pve1", 240).ok());
  ASSERT_TRUE(pve.start_vm("pve1", 240).ok());
  auto settled = pve.update_vm("pve1", 240, {{"name", "worker-1"}}, {}, "");
  ASSERT_TRUE(settled.ok()) << settled.error().describe();
  EXPECT_FALSE(settled->reboot_needed);
  auto state = pve.cluster();
  ASSERT_TRUE(state.ok());
  ASSERT_NE(state->find_vm(240), nullptr);
  EXPECT_EQ(state->find_vm(240)->maxmem, 4096ULL << 20);
}

}  // namespace
}  // namespace pve_test
