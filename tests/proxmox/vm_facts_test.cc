#include "proxmox/vm_facts.h"

#include <gtest/gtest.h>

namespace proxmox {
namespace {

TEST(VmFacts, ReadsBackWhatCreateParamsWrote) {
  VmSpec spec;
  spec.pve_node = "pve1";
  spec.vmid = 101;
  spec.name = "cp-1";
  spec.cores = 4;
  spec.memory_mib = 6144;
  spec.disk_gib = 32;
  spec.disk_storage = "local-lvm";
  spec.boot_iso = "local:iso/talos.iso";
  spec.mac = "BC:24:11:AA:BB:CC";
  spec.ip_cidr = "127.10.0.11/8";
  spec.smbios_uuid = "6F1C2B7E-0000-4000-8000-000000000001";
  spec.cluster = "lab";
  spec.role = "controlplane";
  VmConfig config;
  for (const auto& [key, value] : create_params(spec, PveVersion{8, 4, 1})) {
    config.options[key] = value;
  }
  // PVE stores the allocated disk, not the create shorthand.
  config.options["scsi0"] = "local-lvm:vm-101-disk-0,discard=on,iothread=1,size=32G,ssd=1";
  const VmFacts facts = vm_facts(config);
  EXPECT_EQ(facts.name, "cp-1");
  EXPECT_EQ(facts.cores, 4);
  EXPECT_EQ(facts.memory_mib, 6144);
  EXPECT_EQ(facts.disk_gib, 32);
  EXPECT_EQ(facts.mac, "bc:24:11:aa:bb:cc");
  EXPECT_EQ(facts.address, "127.10.0.11");
  EXPECT_EQ(facts.smbios_uuid, "6f1c2b7e-0000-4000-8000-000000000001");
  ASSERT_TRUE(facts.owner.has_value());
  EXPECT_EQ(facts.owner->cluster, "lab");
  EXPECT_EQ(facts.owner->node, "cp-1");
}

TEST(VmFacts, SizesInEveryUnitRoundUpToWholeGib) {
  EXPECT_EQ(parse_pve_size("20G"), 20ull << 30);
  EXPECT_EQ(parse_pve_size("512M"), 512ull << 20);
  EXPECT_EQ(parse_pve_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_pve_size("12"), 12ull);
  EXPECT_FALSE(parse_pve_size("12GB").has_value());
  EXPECT_FALSE(parse_pve_size("G").has_value());
  VmConfig config;
  config.options["scsi0"] = "local-lvm:vm-1-disk-0,size=1536M";
  EXPECT_EQ(vm_facts(config).disk_gib, 2);
}

TEST(VmFacts, MemoryInPropertyFormAndDhcpAddress) {
  VmConfig config;
  config.options["memory"] = "current=2048";
  config.options["ipconfig0"] = "ip=dhcp";
  const VmFacts facts = vm_facts(config);
  EXPECT_EQ(facts.memory_mib, 2048);
  EXPECT_EQ(facts.address, "");
  EXPECT_FALSE(facts.owner.has_value());
}

}  // namespace
}  // namespace proxmox
