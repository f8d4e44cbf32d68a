// Removing control planes never costs etcd its quorum (issue #6, scale): a cluster shrinks from
// three control planes to one, one member at a time; and a removal that would leave the remaining
// members without an answering majority is refused before anything is touched.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

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
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// cp-3's VM is destroyed behind talforge's back, so etcd still lists it: removing cp-2 as well
// would leave {cp-1, cp-3} with one member answering. Subnet 111.
TEST(QuorumE2e, RefusesARemovalThatWouldLeaveNoAnsweringMajority) {
  Lab lab(111);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  const proxmox::VmState* cp3 = vm_of(*state, 1103);
  ASSERT_NE(cp3, nullptr);
  const std::string cp3_pve_node = cp3->node;
  ASSERT_TRUE(lab.pve().stop_vm(cp3_pve_node, 1103).ok());
  ASSERT_TRUE(lab.pve().destroy_vm(cp3_pve_node, 1103).ok());

  lab.edit_nodes({"cp-2", "cp-3"});
  const auto refused = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, ::testing::HasSubstr("quorum would be lost"));
  EXPECT_THAT(refused.err, ::testing::HasSubstr("cp-2"));

  state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_NE(vm_of(*state, 1102), nullptr) << "cp-2's VM must be left alone";
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
}

}  // namespace
}  // namespace e2e
