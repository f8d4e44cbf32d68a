// Rolling Talos upgrades (issue #7): a one-line change of talosVersion upgrades every node in
// place, one at a time, control planes first, through each minor in between; a node whose new
// slot does not boot stops the rollout, is put back into service on its old version, and a re-run
// goes on from there without upgrading any node twice.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <regex>
#include <thread>
#include <sstream>

#include "e2e/lab_support.h"
#include "process.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;

void set_talos_version(Lab& lab, const std::string& version) {
  const std::string path = lab.dir() + "/cluster.yaml";
  const std::string text = testing_process::slurp(path);
  std::ofstream(path) << std::regex_replace(text, std::regex("talosVersion: v[0-9.]+"),
                                            "talosVersion: " + version);
}

std::map<std::string, std::string> versions(Lab& lab) {
  std::map<std::string, std::string> out;
  for (const auto& node : lab.talos_nodes()) {
    out[node["hostname"].get<std::string>()] = node["talos_version"];
  }
  return out;
}

struct Interval {
  std::string node;
  int started = 0;  // line numbers in the NDJSON stream
  int ended = 0;
};

// The talos.upgrade steps of an NDJSON event stream, in the order they started.
std::vector<Interval> upgrade_steps(const std::string& ndjson) {
  std::vector<Interval> out;
  std::istringstream in(ndjson);
  std::string line;
  for (int n = 0; std::getline(in, line); ++n) {
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || event.value("step", "") != "talos.upgrade") {
      continue;
    }
    if (event["state"] == "started") {
      out.push_back({event["target"], n, 0});
    } else if (event["state"] == "done" || event["state"] == "failed") {
      for (Interval& i : out) {
        if (i.node == event["target"] && i.ended == 0) {
          i.ended = n;
        }
      }
    }
  }
  return out;
}

// Subnet 117.
TEST(UpgradeE2e, TwoMinorsAheadGoesThroughTheReleaseBetweenOneNodeAtATime) {
  Lab lab(117);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const nlohmann::json before = lab.talos_counters();

  set_talos_version(lab, "v1.13.9");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("~ talos           cp-1"));
  EXPECT_THAT(plan.out, HasSubstr("v1.11.6 → v1.12.11 → v1.13.9"));
  EXPECT_THAT(plan.out, ::testing::Not(HasSubstr("- vm"))) << "never a replacement";
  const auto apply = lab.talforge({"apply", "--yes", "-o", "json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;

  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.13.9") << node;
  }
  const nlohmann::json after = lab.talos_counters();
  EXPECT_EQ(after["upgrades"].get<int>() - before["upgrades"].get<int>(), 10) << "5 nodes × 2";
  EXPECT_EQ(after["upgrade_fallbacks"], 0);
  EXPECT_EQ(after["quorum_losses"], 0);
  EXPECT_EQ(after["undrained_upgrades"], 0) << "every node drained before its upgrade";

  // One node at a time, control planes first, every node once per step.
  const std::vector<Interval> steps = upgrade_steps(apply.out);
  ASSERT_EQ(steps.size(), 10u) << apply.out;
  std::vector<std::string> order;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    order.push_back(steps[i].node);
    EXPECT_GT(steps[i].ended, steps[i].started);
    if (i > 0) {
      EXPECT_GT(steps[i].started, steps[i - 1].ended) << "two nodes upgrading at once";
    }
  }
  EXPECT_THAT(order, ::testing::ElementsAre("cp-1", "cp-2", "cp-3", "worker-1", "worker-2",
                                            "cp-1", "cp-2", "cp-3", "worker-1", "worker-2"));
  EXPECT_THAT(apply.out, HasSubstr("cordoned and drained"));
  const auto again = lab.talforge({"plan"});
  EXPECT_EQ(again.exit_code, 0) << again.out;
}

// Subnet 118.
TEST(UpgradeE2e, ANodeWhoseNewSlotDoesNotBootStopsTheRolloutAndARerunGoesOn) {
  Lab lab(118);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  EXPECT_EQ(lab.talos_admin_post("/v1/nodes/" + lab.address(12) + "/faults",
                                 {{"upgrade_boots_bad", true}}),
            200);
  const int upgrades_before = lab.talos_counters()["upgrades"];

  set_talos_version(lab, "v1.12.11");
  const auto failed = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("Talos rollout stopped at cp-2 (→ v1.12.11); cp-1 runs "
                                    "v1.12.11; untouched: cp-3, worker-1, worker-2"));
  EXPECT_THAT(failed.err, HasSubstr("fell back"));
  EXPECT_THAT(failed.err, HasSubstr("cp-2 was rolled back and runs v1.11.6 again"));
  std::map<std::string, std::string> now = versions(lab);
  EXPECT_EQ(now["cp-1"], "v1.12.11");
  EXPECT_EQ(now["cp-2"], "v1.11.6");
  EXPECT_EQ(now["cp-3"], "v1.11.6");
  EXPECT_EQ(now["worker-1"], "v1.11.6");
  const auto cordoned = lab.kubectl("https://" + lab.address(11) + ":6443",
                                    {"get", "node", "cp-2", "-o", "jsonpath={.spec.unschedulable}"});
  EXPECT_EQ(cordoned.out, "") << "cp-2 must be back in service";
  const auto status = lab.talforge({"status"});
  EXPECT_THAT(status.out, HasSubstr("Talos rollout: 1 of 5 nodes run v1.12.11 (cp-1)"))
      << status.out;
  EXPECT_THAT(status.out, HasSubstr("`talforge apply` goes on with it"));

  // The bad image was tried once (the fault clears); the re-run goes on from cp-2.
  const auto resumed = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.12.11") << node;
  }
  EXPECT_EQ(lab.talos_counters()["upgrades"].get<int>() - upgrades_before, 6)
      << "cp-1 once, cp-2 twice (the fall-back and the retry), three more once";
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
}

// The first node the emulator reports in `stage`, or "" (polled for up to a minute).
std::string wait_for_a_node_in(Lab& lab, const std::string& stage) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& node : lab.talos_nodes()) {
      if (node["stage"] == stage) {
        return node["hostname"];
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return "";
}

void expect_no_node_cordoned(Lab& lab) {
  const auto nodes = lab.kubectl("https://" + lab.address(11) + ":6443",
                                 {"get", "nodes", "-o", "jsonpath={.items[*].spec.unschedulable}"});
  EXPECT_EQ(nodes.exit_code, 0) << nodes.err;
  EXPECT_EQ(nodes.out, "") << "a node was left cordoned";
}

// apply is killed while a node installs its upgrade: the re-run waits for that upgrade instead of
// sending another, goes on with the rest, and leaves no node cordoned. Subnet 119; a slower
// time scale so that the node still installs when the re-run looks at it, even on a busy machine.
TEST(UpgradeE2e, KilledWhileANodeUpgradesTheRerunNeverUpgradesItTwice) {
  Lab lab(119, "none", "0.03");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const int upgrades_before = lab.talos_counters()["upgrades"];
  set_talos_version(lab, "v1.12.11");

  const pid_t pid = lab.spawn_talforge({"apply", "--yes"});
  const std::string upgrading = wait_for_a_node_in(lab, "upgrading");
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_FALSE(upgrading.empty()) << "no node was seen upgrading";

  const auto resumed = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("an upgrade is already under way"));
  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.12.11") << node;
  }
  EXPECT_EQ(lab.talos_counters()["upgrades"].get<int>() - upgrades_before, 5)
      << upgrading << " must not be upgraded twice";
  expect_no_node_cordoned(lab);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// apply is killed while a node boots into its new version (its API silent): the re-run finds it
// silent, waits for it, goes on with the others, and returns it to service (its cordon is marked
// as talforge's). Subnet 130 (100–119 are taken).
TEST(UpgradeE2e, KilledWhileANodeRebootsTheRerunReturnsItToService) {
  Lab lab(130, "none", "0.03");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const int upgrades_before = lab.talos_counters()["upgrades"];
  set_talos_version(lab, "v1.12.11");

  const pid_t pid = lab.spawn_talforge({"apply", "--yes"});
  const std::string booting = wait_for_a_node_in(lab, "booting");
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  ASSERT_FALSE(booting.empty()) << "no node was seen booting";

  const auto status = lab.talforge({"status"});
  EXPECT_EQ(status.exit_code, 1) << status.out;
  EXPECT_THAT(status.out, HasSubstr(booting + " is cordoned by talforge (talos upgrade to "
                                              "v1.12.11)"))
      << status.out;
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("uncordon        " + booting +
                                  "  (left cordoned by an earlier run (talos upgrade to "
                                  "v1.12.11))"))
      << plan.out;
  // A bounded wait: a node that never returns fails the test instead of hanging it.
  const auto resumed = lab.talforge({"apply", "--yes", "--wait-timeout", "2m"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_THAT(resumed.err, HasSubstr("left cordoned by an earlier run (talos upgrade to "
                                     "v1.12.11)"))
      << resumed.out << resumed.err;
  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.12.11") << node;
  }
  EXPECT_EQ(lab.talos_counters()["upgrades"].get<int>() - upgrades_before, 5);
  expect_no_node_cordoned(lab);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// Appends an upgrade section to the lab's cluster.yaml (top-level, after the nodes).
void set_upgrade_policy(Lab& lab, const std::string& yaml) {
  std::ofstream(lab.dir() + "/cluster.yaml", std::ios::app) << "upgrade:\n" << yaml;
}

std::vector<std::string> lines_of(const std::string& path) {
  std::vector<std::string> out;
  std::istringstream in(testing_process::slurp(path));
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// Subnet 133: two workers at once; the user's gate runs after the health checks of each node,
// with the node in its environment, and is retried until it passes (here: at its second try).
TEST(UpgradeE2e, WorkersGoTwoAtATimeAndTheUserGateIsRetriedUntilItPasses) {
  Lab lab(133, "none", "0.03");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  set_upgrade_policy(lab,
                     "  workersMaxUnavailable: 2\n"
                     "  gate:\n"
                     "    command: echo \"$TALFORGE_NODE $TALFORGE_NODE_ADDRESS $KUBECONFIG\" >> "
                     "gate.log; [ $(grep -c \"^$TALFORGE_NODE \" gate.log) -ge 2 ]\n"
                     "    interval: 1s\n");
  set_talos_version(lab, "v1.12.11");
  const auto apply = lab.talforge({"apply", "--yes", "-o", "json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;

  std::vector<std::string> gated;
  for (const std::string& line : lines_of(lab.dir() + "/gate.log")) {
    gated.push_back(line.substr(0, line.find(' ')));
    EXPECT_THAT(line, HasSubstr("/out/kubeconfig")) << "KUBECONFIG is given to the gate";
  }
  EXPECT_THAT(gated, ::testing::ElementsAre("cp-1", "cp-1", "cp-2", "cp-2", "cp-3", "cp-3",
                                            "worker-1", "worker-1", "worker-2", "worker-2"));
  EXPECT_THAT(lines_of(lab.dir() + "/gate.log")[0], HasSubstr("cp-1 " + lab.address(11)));

  const std::vector<Interval> steps = upgrade_steps(apply.out);
  ASSERT_EQ(steps.size(), 5u);
  for (std::size_t i = 0; i + 1 < 3; ++i) {
    EXPECT_LT(steps[i].ended, steps[i + 1].started) << "control planes one at a time";
  }
  EXPECT_EQ(steps[3].node, "worker-1");
  EXPECT_EQ(steps[4].node, "worker-2");
  EXPECT_LT(steps[4].started, steps[3].ended) << "both workers were out at the same time";
  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.12.11") << node;
  }
  EXPECT_EQ(lab.talos_counters()["quorum_losses"], 0);
  expect_no_node_cordoned(lab);
}

// Subnet 134: a gate that keeps failing for cp-2 stops the rollout there: cp-2 is rolled back,
// the nodes after it are untouched, and the error quotes the gate's last output.
TEST(UpgradeE2e, AUserGateThatKeepsFailingRollsTheNodeBackAndStops) {
  Lab lab(134, "none", "0.03");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  set_upgrade_policy(lab,
                     "  gate:\n"
                     "    command: '[ \"$TALFORGE_NODE\" != cp-2 ] || { echo \"replicas degraded "
                     "on $TALFORGE_NODE\"; exit 3; }'\n"
                     "    timeout: 2s\n"
                     "    interval: 1s\n");
  set_talos_version(lab, "v1.12.11");
  const auto failed = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("the upgrade gate"));
  EXPECT_THAT(failed.err, HasSubstr("exited 3: replicas degraded on cp-2"));
  EXPECT_THAT(failed.err, HasSubstr("Talos rollout stopped at cp-2 (→ v1.12.11); cp-1 runs "
                                    "v1.12.11; untouched: cp-3, worker-1, worker-2"));
  const std::map<std::string, std::string> now = versions(lab);
  EXPECT_EQ(now.at("cp-1"), "v1.12.11");
  EXPECT_EQ(now.at("cp-2"), "v1.11.6") << "rolled back";
  EXPECT_EQ(now.at("cp-3"), "v1.11.6");
  EXPECT_EQ(now.at("worker-2"), "v1.11.6");
  expect_no_node_cordoned(lab);
}

int calls(const nlohmann::json& counters, const std::string& method) {
  return counters["rpc_calls"].value(method, 0);
}

// Subnet 135: nodes on v1.13 are upgraded through LifecycleService (ImageService.Pull, then
// LifecycleService.Upgrade and a reboot), never the deprecated MachineService.Upgrade; a new
// extension in cluster.yaml is such an upgrade to the same version with a new installer image.
TEST(UpgradeE2e, ANewExtensionOnV113GoesThroughLifecycleService) {
  Lab lab(135, "none", "0.03");
  set_talos_version(lab, "v1.13.9");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const nlohmann::json before = lab.talos_counters();

  const std::string path = lab.dir() + "/cluster.yaml";
  const std::string text = testing_process::slurp(path);
  std::ofstream(path) << std::regex_replace(
      text, std::regex("    - siderolabs/qemu-guest-agent\n"),
      "    - siderolabs/qemu-guest-agent\n    - siderolabs/iscsi-tools\n");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("v1.13.9, new installer image"));
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;

  const nlohmann::json after = lab.talos_counters();
  EXPECT_EQ(calls(after, "/machine.LifecycleService/Upgrade") -
                calls(before, "/machine.LifecycleService/Upgrade"),
            5);
  EXPECT_GE(calls(after, "/machine.ImageService/Pull") - calls(before, "/machine.ImageService/Pull"),
            5);
  EXPECT_EQ(calls(after, "/machine.MachineService/Upgrade"),
            calls(before, "/machine.MachineService/Upgrade"));
  for (const auto& [node, version] : versions(lab)) {
    EXPECT_EQ(version, "v1.13.9") << node;
  }
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0) << "every node booted the new schematic";
  expect_no_node_cordoned(lab);
}

}  // namespace
}  // namespace e2e
