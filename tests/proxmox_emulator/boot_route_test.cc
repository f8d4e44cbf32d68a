// The boot route per PVE release (proxmox.md §4, §5.3): talforge boots from the Talos ISO by
// default; the disk-image `import` route only where PVE has it (8.4+), refused locally before.
#include <gtest/gtest.h>

#include "client_run_support.h"

namespace pve_test {
namespace {

const char* kCreate = "POST /nodes/{node}/qemu";
const char* kDownloadUrl = "POST /nodes/{node}/storage/{storage}/download-url";

class BootRoute : public ClientAgainstEmulator {};

TEST_F(BootRoute, IsoIsTheDefault) {
  EXPECT_EQ(proxmox::DownloadRequest{}.content, "iso");
  EXPECT_TRUE(proxmox::VmSpec{}.boot_disk_image.empty());
}

TEST_F(BootRoute, Pve84ImportsTheDiskImageAndGrowsIt) {
  start("8.4", 1);
  proxmox::Api& pve = new_run();
  const factory::BootAsset image = boot_asset("v1.11.6", "qcow2");
  auto volid = pve.ensure_downloaded({"pve1", "local", image.url, image.filename, "import", ""});
  ASSERT_TRUE(volid.ok()) << volid.error().describe();
  EXPECT_EQ(*volid, "local:import/" + image.filename);

  proxmox::VmSpec spec = vm_spec(250, "cp-1");
  spec.boot_disk_image = *volid;
  spec.disk_gib = 12;
  auto created = pve.create_vm(spec);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  auto config = pve.vm_config("pve1", 250);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->options["scsi0"],
            "local-lvm:vm-250-disk-0,discard=on,iothread=1,size=12G,ssd=1");
  EXPECT_EQ(config->options["boot"], "order=scsi0");
  EXPECT_EQ(config->options.count("ide3"), 0u);
  EXPECT_EQ(requests_to("PUT /nodes/{node}/qemu/{vmid}/resize"), 1);

  // A later run finds the VM (ours) already grown: neither created nor resized again.
  auto again = new_run().create_vm(spec);
  ASSERT_TRUE(again.ok()) << again.error().describe();
  EXPECT_EQ(requests_to("PUT /nodes/{node}/qemu/{vmid}/resize"), 1);
  EXPECT_EQ(counters()["vms_created"], 1);
}

TEST_F(BootRoute, Pve74RefusesImportLocallyAndBootsFromTheIso) {
  start("7.4", 1);
  proxmox::Api& pve = new_run();
  const factory::BootAsset image = boot_asset("v1.11.6", "qcow2");
  auto refused = pve.ensure_downloaded({"pve1", "local", image.url, image.filename, "import", ""});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, util::ErrorCode::InvalidInput);
  EXPECT_NE(refused.error().message.find("Proxmox VE 7.4-19 on pve1 cannot download disk images"),
            std::string::npos)
      << refused.error().describe();
  EXPECT_NE(refused.error().hint.find("use the Talos ISO"), std::string::npos);

  proxmox::VmSpec spec = vm_spec(251, "cp-1");
  spec.boot_disk_image = "local:import/" + image.filename;
  auto not_created = pve.create_vm(spec);
  ASSERT_FALSE(not_created.ok());
  EXPECT_EQ(not_created.error().code, util::ErrorCode::InvalidInput);
  EXPECT_NE(not_created.error().message.find("PVE 8.4"), std::string::npos);
  EXPECT_EQ(requests_to(kDownloadUrl), 0);
  EXPECT_EQ(requests_to(kCreate), 0);

  const factory::BootAsset iso = boot_asset("v1.11.6", "iso");
  auto iso_volid = pve.ensure_downloaded({"pve1", "local", iso.url, iso.filename, "iso", ""});
  ASSERT_TRUE(iso_volid.ok()) << iso_volid.error().describe();
  spec.boot_disk_image.clear();
  spec.boot_iso = *iso_volid;
  auto created = pve.create_vm(spec);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  auto config = pve.vm_config("pve1", 251);
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->options["ide3"], *iso_volid + ",media=cdrom");
  EXPECT_EQ(config->options["boot"], "order=scsi0;ide3");
}

}  // namespace
}  // namespace pve_test
