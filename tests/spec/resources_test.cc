// VM resources against the Talos minimums, VM naming and sizes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "spec/sizes.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(SpecSizes, ParsesBinaryUnitsOnly) {
  EXPECT_EQ(parse_mib("4GiB"), 4096);
  EXPECT_EQ(parse_mib("512MiB"), 512);
  EXPECT_EQ(parse_gib("20GiB"), 20);
  EXPECT_EQ(parse_gib("1TiB"), 1024);
  EXPECT_FALSE(parse_mib("4G").has_value());
  EXPECT_FALSE(parse_mib("4GB").has_value());
  EXPECT_FALSE(parse_mib("1.5GiB").has_value());
  EXPECT_FALSE(parse_mib("GiB").has_value());
  EXPECT_FALSE(parse_mib("-1GiB").has_value());
  EXPECT_FALSE(parse_gib("512MiB").has_value());
  EXPECT_FALSE(parse_mib("9999999999GiB").has_value());
}

TEST(SpecResources, ReportsControlPlaneMemoryBelowTheTalosMinimum) {
  const Loaded loaded = load(with_line(
      18, "  - {name: cp-1, role: controlplane, address: 127.10.0.11, vmid: 101, memory: 1536}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("18:79 error nodes[0].memory: memory 1536 MiB is below "
                                          "the Talos minimum of 2048 MiB for a control-plane "
                                          "node"));
}

TEST(SpecResources, AcceptsWorkerWithOneGibAndRefusesLess) {
  EXPECT_TRUE(
      load(with_line(
               21, "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 201, memory: 1GiB}"))
          .ok());
  const Loaded loaded = load(with_line(
      21, "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 201, memory: 512MiB}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:72 error nodes[3].memory: memory 512 MiB is below "
                                          "the Talos minimum of 1024 MiB for a worker node"));
}

TEST(SpecResources, ReportsAnInheritedValueOnceAtVm) {
  const Loaded loaded = load(with_line(16, "  pveNode: pve1\n  memory: 1GiB"));
  EXPECT_THAT(briefs(loaded), ElementsAre("17:11 error vm.memory: vm.memory 1024 MiB is below the "
                                          "Talos minimum of 2048 MiB for a control-plane node "
                                          "(used by cp-1, cp-2, cp-3) (raise vm.memory or set "
                                          "memory on those nodes)"));
}

TEST(SpecResources, RefusesDisksBelowSixGibAndWarnsBelowTen) {
  EXPECT_THAT(briefs(load(with_line(16, "  pveNode: pve1\n  diskSize: 5"))),
              ElementsAre("17:13 error vm.diskSize: vm.diskSize 5 GiB is below the Talos minimum "
                          "of 6 GiB for a control-plane node (used by cp-1, cp-2, cp-3) (raise "
                          "vm.diskSize or set diskSize on those nodes)",
                          "17:13 error vm.diskSize: vm.diskSize 5 GiB is below the Talos minimum "
                          "of 6 GiB for a worker node (used by w-1) (raise vm.diskSize or set "
                          "diskSize on those nodes)"));
  const Loaded warned =
      load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.21, diskSize: 8GiB}"));
  EXPECT_TRUE(warned.ok());
  EXPECT_THAT(briefs(warned), ElementsAre("21:63 warning nodes[3].diskSize: diskSize 8 GiB is "
                                          "below the documented Talos minimum of 10 GiB for a "
                                          "worker node"));
}

TEST(SpecResources, RefusesZeroCoresAndWarnsAboutOneCoreControlPlanes) {
  EXPECT_THAT(
      briefs(load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.21, cores: 0}"))),
      ElementsAre("21:60 error nodes[3].cores: cores must be at least 1"));
  EXPECT_THAT(briefs(load(with_line(
                  18, "  - {name: cp-1, role: controlplane, address: 127.10.0.11, cores: 1}"))),
              ElementsAre("18:67 warning nodes[0].cores: cores 1 cores is below the recommended "
                          "minimum of 2 cores for a control-plane node"));
}

TEST(SpecResources, RefusesMalformedSizes) {
  EXPECT_THAT(briefs(load(with_line(16, "  pveNode: pve1\n  memory: 4GB"))),
              ElementsAre("17:11 error vm.memory: expected a memory size, found \"4GB\" (write an "
                          "integer number of MiB (4096) or a string such as 4GiB or 512MiB)"));
  EXPECT_THAT(briefs(load(with_line(16, "  pveNode: pve1\n  diskSize: 20G"))),
              ElementsAre("17:13 error vm.diskSize: expected a disk size, found \"20G\" (write an "
                          "integer number of GiB (20) or a string such as 20GiB or 1TiB)"));
}

TEST(SpecResources, RefusesCpuTypesWithoutX8664V2) {
  EXPECT_THAT(briefs(load(with_line(16, "  pveNode: pve1\n  cpuType: kvm64"))),
              ElementsAre("17:12 error vm.cpuType: CPU type kvm64 lacks x86-64-v2, which Talos "
                          "needs (use x86-64-v2-AES (the default) or host)"));
  EXPECT_TRUE(load(with_line(16, "  pveNode: pve1\n  cpuType: host")).ok());
}

TEST(SpecResources, ReportsBadProxmoxNamesAndTags) {
  const Loaded loaded = load(
      with_line(16, "  pveNode: pve_1\n  storage: Local\n  tags: [ok, \"bad tag\"]\n  vlan: 7"));
  EXPECT_THAT(
      briefs(loaded),
      UnorderedElementsAre("17:12 error vm.storage: \"Local\" is not a Proxmox storage id (e.g. "
                           "local-lvm; see Datacenter → Storage)",
                           "18:14 error vm.tags[1]: \"bad tag\" is not a Proxmox tag (use letters, "
                           "digits and _ - + .)",
                           "16:12 error vm.pveNode: \"pve_1\" is not a Proxmox node name"));
}

TEST(SpecResources, RefusesAVmVlanThatContradictsTheNetworkVlan) {
  const Loaded loaded = load(with_lines({{11, "  vlan: 10"}, {16, "  pveNode: pve1\n  vlan: 20"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("17:9 error vm.vlan: vm.vlan 20 differs from network.vlan "
                          "10 (set the VLAN once, in network.vlan)"));
}

}  // namespace
}  // namespace spec
