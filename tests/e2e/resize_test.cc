// Growing a node's CPUs and memory (issue #6, minimal change): the VM is updated in place and,
// since PVE applies such changes only at power-on, restarted — drained first, Ready and
// uncordoned afterwards — never replaced.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;

int requests_to(const nlohmann::json& counters, const std::string& endpoint) {
  return counters["requests"].value(endpoint, 0);
}

// Subnet 114.
TEST(ResizeE2e, MoreCpusAndMemoryRestartTheNodeDrainedInsteadOfReplacingIt) {
  Lab lab(114);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const int creates = requests_to(lab.proxmox_counters(), "POST /nodes/{node}/qemu");

  lab.edit_nodes({"worker-1"}, "  - {name: worker-1, role: worker, address: " + lab.address(21) +
                                   ", pveNode: pve2, vmid: 1201, cores: 4, memory: 4GiB}\n");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("~ vm              worker-1"));
  EXPECT_THAT(plan.out, HasSubstr("restart (drained, one node at a time)"));
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  EXPECT_THAT(apply.err, HasSubstr("cordoned and drained"));
  EXPECT_THAT(apply.err, HasSubstr("Ready again and uncordoned"));

  // Running with the new hardware, same VM, restarted once.
  const auto running = lab.pve().vm_running_config("pve2", 1201);
  ASSERT_TRUE(running.ok()) << running.error().describe();
  EXPECT_EQ(running->options.at("cores"), "4");
  EXPECT_EQ(running->options.at("memory"), "4096");
  const nlohmann::json counters = lab.proxmox_counters();
  EXPECT_EQ(requests_to(counters, "POST /nodes/{node}/qemu"), creates);
  EXPECT_EQ(requests_to(counters, "POST /nodes/{node}/qemu/{vmid}/status/shutdown"), 1);

  const auto node = lab.kubectl("https://" + lab.address(11) + ":6443",
                                {"get", "node", "worker-1", "-o", "jsonpath={.spec.unschedulable}"});
  EXPECT_EQ(node.exit_code, 0) << node.err;
  EXPECT_EQ(node.out, "") << "worker-1 must not stay cordoned";
  const auto after = lab.talforge({"plan"});
  EXPECT_EQ(after.exit_code, 0) << after.out;
}

}  // namespace
}  // namespace e2e
