// Issue #6 criterion 6: scale 5 → 7 nodes, then 7 → 4 with one control plane removed; etcd
// quorum is never lost and removed nodes are gone from Proxmox, etcd and Kubernetes.
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

using ::testing::UnorderedElementsAre;

std::string node_line(const Lab& lab, const std::string& name, const std::string& role, int host,
                      int pve, int vmid) {
  return "  - {name: " + name + ", role: " + role + ", address: " + lab.address(host) +
         ", pveNode: pve" + std::to_string(pve) + ", vmid: " + std::to_string(vmid) + "}\n";
}

std::vector<std::string> status_column(Lab& lab, const char* key, const char* value) {
  const auto status = lab.talforge({"status", "-o", "json"});
  std::vector<std::string> out;
  for (const auto& node : nlohmann::json::parse(status.out)) {
    if (node[key] == nlohmann::json(value)) {
      out.push_back(node["node"]);
    }
  }
  return out;
}

// Subnet 107 (see apply_test.cc).
TEST(ScaleE2e, UpToSevenThenDownToFourWithoutLosingQuorum) {
  Lab lab(107);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);

  lab.edit_nodes({},
             node_line(lab, "cp-4", "controlplane", 14, 2, 1104) +
                 node_line(lab, "worker-3", "worker", 23, 2, 1203));
  const auto up = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(up.exit_code, 0) << up.out << up.err;
  EXPECT_EQ(lab.pve().cluster()->vms.size(), 7u);
  EXPECT_EQ(status_column(lab, "kubernetes", "Ready").size(), 7u);

  lab.edit_nodes({"cp-3", "worker-2", "worker-3"}, "");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_THAT(plan.out, ::testing::HasSubstr("remove its etcd member"));
  const auto down = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(down.exit_code, 0) << down.out << down.err;

  std::vector<int> vmids;
  const util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  for (const auto& vm : state->vms) {
    vmids.push_back(vm.vmid);
  }
  EXPECT_THAT(vmids, UnorderedElementsAre(1101, 1102, 1104, 1201));
  const auto status = lab.talforge({"status", "-o", "json"});
  EXPECT_EQ(status.exit_code, 0) << status.out;
  std::vector<std::string> members, ready;
  for (const auto& node : nlohmann::json::parse(status.out)) {
    if (node["etcd_member"].get<bool>()) {
      members.push_back(node["node"]);
    }
  }
  EXPECT_THAT(members, UnorderedElementsAre("cp-1", "cp-2", "cp-4"));
  const auto nodes = lab.kubectl("", {"get", "nodes", "-o", "name"});
  EXPECT_EQ(nodes.out, "node/cp-1\nnode/cp-2\nnode/cp-4\nnode/worker-1\n") << nodes.err;
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// A VM that must move to another PVE node is rebuilt there, one node at a time; a control plane
// leaves etcd first and joins again. Subnet 109.
TEST(ScaleE2e, MovingNodesToAnotherPveNodeRebuildsThemOneAtATime) {
  Lab lab(109);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const std::string path = lab.dir() + "/cluster.yaml";
  std::string text = testing_process::slurp(path);
  for (const char* name : {"cp-3", "worker-2"}) {
    text = std::regex_replace(
        text, std::regex(std::string("(name: ") + name + ",[^\\n]*pveNode: )pve1"), "$1pve2");
  }
  std::ofstream(path) << text;

  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_THAT(plan.out, ::testing::HasSubstr("-/+ vm              cp-3"));
  EXPECT_THAT(plan.out, ::testing::HasSubstr("moves from PVE node pve1 to pve2"));
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;

  const util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->vms.size(), 5u);
  for (const auto& vm : state->vms) {
    if (vm.name == "cp-3" || vm.name == "worker-2") {
      EXPECT_EQ(vm.node, "pve2") << vm.name;
    }
  }
  EXPECT_EQ(lab.talforge({"status"}).exit_code, 0);
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

}  // namespace
}  // namespace e2e
