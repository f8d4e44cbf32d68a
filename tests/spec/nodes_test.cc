// Node checks: duplicates at the second use, addresses, names, VMIDs, control-plane count.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"
#include "test_paths.h"
#include "util/file.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;

TEST(SpecNodes, ReportsDuplicateNodeNameAtSecondUse) {
  const Loaded loaded =
      load(with_line(19, "  - {name: cp-1, role: controlplane, address: 127.10.0.12, vmid: 102}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("19:12 error nodes[1].name: node name cp-1 is already "
                                          "used by cp-1 (line 18) (every node needs its own node "
                                          "name)"));
}

TEST(SpecNodes, ReportsDuplicateNodeAddressAtSecondUse) {
  const Loaded loaded =
      load(with_line(19, "  - {name: cp-2, role: controlplane, address: 127.10.0.11, vmid: 102}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("19:47 error nodes[1].address: address 127.10.0.11 is "
                                          "already used by cp-1 (line 18) (every node needs its "
                                          "own address)"));
}

TEST(SpecNodes, ReportsDuplicateVmidAtSecondUse) {
  const Loaded loaded =
      load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 102}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:59 error nodes[3].vmid: VMID 102 is already used by "
                                          "cp-2 (line 19) (every node needs its own VMID)"));
}

TEST(SpecNodes, ReportsAddressOutsideTheNodeNetwork) {
  const Loaded loaded =
      load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.1.21, vmid: 201}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:40 error nodes[3].address: 127.10.1.21 is outside "
                                          "the node network 127.10.0.0/24 (use an address inside "
                                          "network.cidr)"));
}

TEST(SpecNodes, ReportsAddressEqualToTheVip) {
  const Loaded loaded =
      load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.10, vmid: 201}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:40 error nodes[3].address: 127.10.0.10 is the "
                                          "cluster VIP (cluster.vip, line 7) (the VIP floats "
                                          "between control planes; give the node its own "
                                          "address)"));
}

TEST(SpecNodes, ReportsAddressEqualToTheGatewayOrTheBroadcastAddress) {
  const Loaded loaded =
      load(with_lines({{20, "  - {name: cp-3, role: controlplane, address: 127.10.0.1, vmid: 103}"},
                       {21, "  - {name: w-1, role: worker, address: 127.10.0.255, vmid: 201}"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("20:47 error nodes[2].address: 127.10.0.1 is the gateway "
                          "(network.gateway)",
                          "21:40 error nodes[3].address: 127.10.0.255 is the broadcast address of "
                          "127.10.0.0/24"));
}

TEST(SpecNodes, ReportsAnInvalidAddress) {
  const Loaded loaded = load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.256}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:40 error nodes[3].address: \"127.10.0.256\" is not "
                                          "an IPv4 address (write four decimal numbers 0-255, "
                                          "e.g. 127.10.0.11)"));
}

TEST(SpecNodes, ReportsANodeNameThatIsNotAHostname) {
  const Loaded loaded =
      load(with_line(21, "  - {name: W_1, role: worker, address: 127.10.0.21, vmid: 201}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:12 error nodes[3].name: \"W_1\" is not a valid node "
                                          "name (it becomes the hostname) (use lower-case "
                                          "letters, digits and '-', at most 63, starting and "
                                          "ending with a letter or digit, e.g. cp-1)"));
}

TEST(SpecNodes, AcceptsA63CharacterNameAndRejects64) {
  const std::string ok(63, 'a');
  EXPECT_TRUE(
      load(with_line(21, "  - {name: " + ok + ", role: worker, address: 127.10.0.21}")).ok());
  const Loaded loaded =
      load(with_line(21, "  - {name: " + ok + "a, role: worker, address: 127.10.0.21}"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].column, 12);
  EXPECT_EQ(loaded.diagnostics[0].path, "nodes[3].name");
}

TEST(SpecNodes, ReportsVmidOutOfRange) {
  const Loaded loaded = load(with_lines(
      {{20, "  - {name: cp-3, role: controlplane, address: 127.10.0.13, vmid: 1000000000}"},
       {21, "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 99}"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("20:66 error nodes[2].vmid: VMID 1000000000 is out of range (Proxmox "
                          "VMIDs are 100 … 999999999)",
                          "21:59 error nodes[3].vmid: VMID 99 is out of range (Proxmox VMIDs are "
                          "100 … 999999999)"));
}

TEST(SpecNodes, AcceptsVmidBounds) {
  EXPECT_TRUE(
      load(with_lines(
               {{20, "  - {name: cp-3, role: controlplane, address: 127.10.0.13, vmid: 999999999}"},
                {21, "  - {name: w-1, role: worker, address: 127.10.0.21, vmid: 100}"}}))
          .ok());
}

TEST(SpecNodes, RefusesAClusterWithoutControlPlane) {
  const Loaded loaded =
      load(with_lines({{18, "  - {name: w-0, role: worker, address: 127.10.0.11}"},
                       {19, "  # none"},
                       {20, "  # none"}}));
  EXPECT_THAT(briefs(loaded), ElementsAre("18:3 error nodes: the cluster has no control-plane node "
                                          "(give at least one node role: controlplane (three for "
                                          "high availability))"));
}

TEST(SpecNodes, WarnsAboutAnEvenNumberOfControlPlanes) {
  const Loaded loaded = load(with_line(20, "  # cp-3 removed"));
  EXPECT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded), ElementsAre("18:3 warning nodes: 2 control-plane nodes: etcd "
                                          "tolerates no more failures with 2 than with 1 (use an "
                                          "odd number of control planes (1, 3 or 5))"));
}

TEST(SpecNodes, WarnsWhenNothingCanRunWorkloads) {
  const Loaded loaded = load(with_lines({{19, "  # no"}, {20, "  # no"}, {21, "  # no"}}));
  EXPECT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded), ElementsAre("18:3 warning nodes: the cluster has no worker, and "
                                          "control planes do not run workloads (add a worker, or "
                                          "set cluster.allowSchedulingOnControlPlanes: true)"));
}

TEST(SpecNodes, ReportsANodeWithoutProxmoxNode) {
  const Loaded loaded = load(with_lines(
      {{16, "  storage: local-lvm"},
       {18, "  - {name: cp-1, role: controlplane, address: 127.10.0.11, pveNode: pve2}"},
       {19, "  - {name: cp-2, role: controlplane, address: 127.10.0.12, pveNode: pve2}"},
       {20, "  - {name: cp-3, role: controlplane, address: 127.10.0.13, pveNode: pve2}"}}));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:5 error nodes[3]: node w-1 has no Proxmox node to "
                                          "run on (set pveNode on the node, or vm.pveNode for all "
                                          "nodes)"));
}

TEST(SpecNodes, ReportsAnInstallDiskThatIsNotADevice) {
  const Loaded loaded =
      load(with_line(21, "  - {name: w-1, role: worker, address: 127.10.0.21, installDisk: sda}"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("21:66 error nodes[3].installDisk: \"sda\" is not a device "
                          "path (e.g. /dev/sda (SCSI, the Proxmox default) or "
                          "/dev/vda (VirtIO block))"));
}

TEST(SpecNodes, ReportsAnEmptyNodeList) {
  const Loaded loaded =
      load(with_lines({{17, "nodes: []"}, {18, "#"}, {19, "#"}, {20, "#"}, {21, "#"}}));
  EXPECT_THAT(briefs(loaded), ElementsAre("17:8 error nodes: the cluster has no control-plane node "
                                          "(give at least one node role: controlplane (three for "
                                          "high availability))"));
}

TEST(SpecNodes, ReportsANodeThatIsNotAMapping) {
  const Loaded loaded = load(with_line(21, "  - w-1"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("21:5 error nodes[3]: expected a mapping of keys, found \"w-1\""));
}

}  // namespace
}  // namespace spec

namespace spec {
namespace {

TEST(SpecNodes, ReportsTwoNodesWhoseDerivedMacsCollide) {
  // In cluster "homelab" these two names hash to the same 24-bit MAC suffix.
  std::string text = *util::read_file(testing_paths::source("examples/minimal.yaml"));
  text.replace(text.find("name: minimal"), 13, "name: homelab");
  text += "  - {name: w-5412, role: worker, address: 127.10.0.21}\n"
          "  - {name: w-5705, role: worker, address: 127.10.0.22}\n";
  const Loaded loaded = load_text("cluster.yaml", text);
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].path, "nodes[2].name");
  EXPECT_THAT(loaded.diagnostics[0].message,
              ::testing::HasSubstr("NIC MAC (derived from the cluster and node names) bc:24:11:"));
  EXPECT_THAT(loaded.diagnostics[0].message, ::testing::HasSubstr("is already used by w-5412"));
}

}  // namespace
}  // namespace spec
