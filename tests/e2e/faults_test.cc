// Issue #6 criterion 4: under Proxmox 5xx bursts and lock contention, slow boots and a node that
// is unreachable for a while, apply converges (or stops with a clear error and converges on the
// next run), and nothing owned leaks.
#include <chrono>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

constexpr int kMaxRuns = 3;

// Waits until the Talos emulator has a node at `address` (its VM started); false on timeout.
bool wait_for_node(const Lab& lab, const std::string& address) {
  for (int i = 0; i < 400; ++i) {
    for (const auto& node : lab.talos_nodes()) {
      if (node.value("address", "") == address) {
        return true;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

// Subnet 106 (see apply_test.cc).
TEST(FaultsE2e, FlakyProxmoxSlowBootsAndAnUnreachableNodeStillConverge) {
  Lab lab(106, "flaky");
  const std::string slow = lab.address(12);
  const std::string away = lab.address(22);
  std::thread saboteur([&] {
    if (wait_for_node(lab, slow)) {
      lab.talos_admin_post("/v1/nodes/" + slow + "/faults", {{"slow_boot", 3.0}});
    }
    if (wait_for_node(lab, away)) {
      lab.talos_admin_post("/v1/nodes/" + away + "/faults", {{"unreachable", true}});
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      lab.talos_admin_post("/v1/nodes/" + away + "/faults", {{"unreachable", false}});
    }
  });
  int runs = 0;
  testing_process::Run apply;
  do {
    apply = lab.talforge({"apply", "--yes"});
    ++runs;
    if (apply.exit_code != 0) {
      // A stop must say what failed and where.
      EXPECT_THAT(apply.err, ::testing::HasSubstr("error: ")) << apply.err;
    }
  } while (apply.exit_code != 0 && runs < kMaxRuns);
  saboteur.join();
  ASSERT_EQ(apply.exit_code, 0) << "after " << runs << " runs:\n" << apply.out << apply.err;
  RecordProperty("apply_runs", runs);

  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;
  util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->vms.size(), 5u);
  EXPECT_EQ(lab.proxmox_counters()["vms_created"].get<int>() -
                lab.proxmox_counters()["vms_destroyed"].get<int>(),
            5);
  EXPECT_EQ(lab.talos_counters()["bootstrap_calls"], 1);
  EXPECT_GT(lab.proxmox_counters()["injected_errors"].get<int>(), 0) << "the faults did not fire";
}

}  // namespace
}  // namespace e2e
