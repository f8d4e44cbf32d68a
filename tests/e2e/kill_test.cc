// Issue #6 criterion 3: apply killed with SIGKILL at random moments (seeded, reproducible) across
// the whole bring-up; every following apply converges with no duplicate VM, one Bootstrap, and
// no node left in maintenance mode.
#include <chrono>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

constexpr unsigned kSeed = 20261125;
constexpr int kRounds = 4;
constexpr int kKillsPerRound = 5;

int counter(const nlohmann::json& counters, const char* key) {
  return counters.contains(key) ? counters[key].get<int>() : 0;
}

int powered_in_maintenance(Lab& lab) {
  int count = 0;
  for (const auto& node : lab.talos_nodes()) {
    count += node.value("powered", false) && node.value("maintenance", false) ? 1 : 0;
  }
  return count;
}

// Subnet 104 (see apply_test.cc).
TEST(KillE2e, ApplyKilledAtTwentyRandomMomentsAlwaysConvergesAfterwards) {
  Lab lab(104);
  const auto started = std::chrono::steady_clock::now();
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const auto bring_up = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  ASSERT_EQ(lab.talforge({"destroy", "--yes"}).exit_code, 0);

  std::mt19937 rng(kSeed);
  std::uniform_int_distribution<long> moment(0, bring_up.count());
  for (int round = 0; round < kRounds; ++round) {
    const nlohmann::json before = lab.talos_counters();
    const int created_before = lab.proxmox_counters()["vms_created"].get<int>();
    std::string moments;
    for (int kill = 0; kill < kKillsPerRound; ++kill) {
      const long at = moment(rng);
      const pid_t pid = lab.spawn_talforge({"apply", "--yes"});
      std::this_thread::sleep_for(std::chrono::milliseconds(at));
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      moments += " " + std::to_string(at) + " ms";
    }
    // Every failure below names the round and the moments its applies were killed at.
    SCOPED_TRACE(testing::Message() << "round " << round << ", killed at" << moments);
    const auto converge = lab.talforge({"apply", "--yes"});
    ASSERT_EQ(converge.exit_code, 0) << "round " << round << "\n" << converge.out << converge.err;
    const auto plan = lab.talforge({"plan"});
    EXPECT_EQ(plan.exit_code, 0) << plan.out << plan.err;

    util::Result<proxmox::ClusterState> state = lab.pve().cluster();
    ASSERT_TRUE(state.ok());
    EXPECT_EQ(state->vms.size(), 5u) << "round " << round;
    EXPECT_EQ(lab.proxmox_counters()["vms_created"].get<int>() - created_before, 5)
        << "round " << round << ": a VM was created twice";
    const nlohmann::json after = lab.talos_counters();
    EXPECT_EQ(counter(after, "bootstrap_calls") - counter(before, "bootstrap_calls"), 1)
        << "round " << round;
    EXPECT_EQ(powered_in_maintenance(lab), 0) << "round " << round;
    ASSERT_EQ(lab.talforge({"destroy", "--yes"}).exit_code, 0);
  }
}

}  // namespace
}  // namespace e2e
