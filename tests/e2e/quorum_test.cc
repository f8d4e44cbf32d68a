// Removing control planes never costs etcd its quorum (issue #6, scale): a cluster shrinks from
// three control planes to one, one member at a time; members whose VM is gone are removed first;
// a removal that would leave the remaining members without an answering majority is refused
// before anything is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

std::vector<std::string> etcd_members(Lab& lab) {
  const auto status = lab.talforge({"status", "-o", "json"});
  std::vector<std::string> out;
  for (const auto& node : nlohmann::json::parse(status.out)) {
    if (node["etcd_member"].get<bool>()) {
      out.push_back(node["node"]);
    }
  }
  return out;
}

const proxmox::VmState* vm_of(const proxmox::ClusterState& state, int vmid) {
  for (const auto& vm : state.vms) {
    if (vm.vmid == vmid) {
      return &vm;
    }
  }
  return nullptr;
}

// Subnet 110 (see apply_test.cc).
TEST(QuorumE2e, ThreeControlPlanesShrinkToOne) {
  Lab lab(110);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);

  lab.edit_nodes({"cp-2", "cp-3"});
  const auto down = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;

  EXPECT_THAT(etcd_members(lab), ::testing::ElementsAre("cp-1"));
  const util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->vms.size(), 3u);
  // One snapshot before the first control plane left, 0600, in the documented place.
  std::vector<std::filesystem::path> backups;
  for (const auto& entry : std::filesystem::directory_iterator(lab.dir() + "/out/etcd-backups")) {
    backups.push_back(entry.path());
  }
  ASSERT_EQ(backups.size(), 1u);
  EXPECT_THAT(backups[0].filename().string(), ::testing::StartsWith("etcd-"));
  EXPECT_GT(std::filesystem::file_size(backups[0]), 32u);
  EXPECT_EQ(std::filesystem::status(backups[0]).permissions(),
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

void destroy_behind_talforges_back(Lab& lab, int vmid) {
  const util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  const proxmox::VmState* vm = vm_of(*state, vmid);
  ASSERT_NE(vm, nullptr) << vmid;
  const std::string pve_node = vm->node;
  ASSERT_TRUE(lab.pve().stop_vm(pve_node, vmid).ok());
  ASSERT_TRUE(lab.pve().destroy_vm(pve_node, vmid).ok());
}

// cp-3's VM is destroyed behind talforge's back, so etcd still lists it; it goes before cp-2 does
// (with it, {cp-1, cp-3} would have no answering majority). Subnet 111.
TEST(QuorumE2e, AMemberWhoseVmIsGoneIsRemovedBeforeAnotherControlPlaneLeaves) {
  Lab lab(111);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  destroy_behind_talforges_back(lab, 1103);

  lab.edit_nodes({"cp-2", "cp-3"});
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_THAT(plan.out, ::testing::HasSubstr("- etcd-member     cp-3"));
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  EXPECT_THAT(etcd_members(lab), ::testing::ElementsAre("cp-1"));
  const util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(vm_of(*state, 1102), nullptr);
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// Five control planes of which three VMs were destroyed: etcd has lost its quorum, and removing
// any of the dead members would need one. talforge refuses and touches nothing. Subnet 112.
TEST(QuorumE2e, RefusesARemovalThatWouldLeaveNoAnsweringMajority) {
  Lab lab(112);
  lab.edit_nodes({}, "  - {name: cp-4, role: controlplane, address: " + lab.address(14) +
                         ", pveNode: pve2, vmid: 1104}\n  - {name: cp-5, role: controlplane, "
                         "address: " + lab.address(15) + ", pveNode: pve1, vmid: 1105}\n");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  for (int vmid : {1103, 1104, 1105}) {
    destroy_behind_talforges_back(lab, vmid);
  }

  lab.edit_nodes({"cp-3", "cp-4", "cp-5"});
  const int mutating_before = lab.proxmox_mutating_requests();
  const auto refused = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, ::testing::HasSubstr("of which 2 answer: quorum would be lost"));
  EXPECT_EQ(lab.proxmox_mutating_requests(), mutating_before);
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_THAT(plan.out, ::testing::HasSubstr("- etcd-member     cp-5")) << "nothing was removed";
}

std::string member_id(Lab& lab, const std::string& name) {
  const nlohmann::json etcd = lab.talos_admin_get("/v1/nodes/" + lab.address(11) + "/etcd");
  for (const auto& member : etcd["members"]) {
    if (member["name"] == name) {
      return member["id"];
    }
  }
  return "";
}

// cp-3's VM is destroyed behind talforge's back while cluster.yaml keeps cp-3: its old member is
// removed first, then the node is built again and joins as a new member. Subnet 113.
TEST(QuorumE2e, AControlPlaneWhoseVmIsGoneJoinsAgainAsANewMember) {
  Lab lab(113);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const std::string old_id = member_id(lab, "cp-3");
  ASSERT_FALSE(old_id.empty());
  destroy_behind_talforges_back(lab, 1103);

  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2);
  const size_t member_line = plan.out.find("- etcd-member     cp-3");
  const size_t vm_line = plan.out.find("+ vm              cp-3");
  ASSERT_NE(member_line, std::string::npos) << plan.out;
  ASSERT_NE(vm_line, std::string::npos) << plan.out;
  EXPECT_LT(member_line, vm_line);
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  EXPECT_THAT(etcd_members(lab), ::testing::ElementsAre("cp-1", "cp-2", "cp-3"));
  const std::string new_id = member_id(lab, "cp-3");
  EXPECT_FALSE(new_id.empty());
  EXPECT_NE(new_id, old_id);
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

}  // namespace
}  // namespace e2e
