// Issue #6 end to end: the real talforge binary against the lab's emulators.
#include <filesystem>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int count_of(const nlohmann::json& counters, const char* key) {
  return counters.contains(key) ? counters[key].get<int>() : 0;
}

int total_apply_calls(const nlohmann::json& counters) {
  int total = 0;
  for (const auto& [address, n] : counters["apply_calls"].items()) {
    total += n.get<int>();
  }
  return total;
}

// Subnets of 127.10.x.0/24 used here: 100-119 (other modules use lower ones).
int total_rpc_calls(const nlohmann::json& counters) {
  int total = 0;
  for (const auto& [method, calls] : counters["rpc_calls"].items()) {
    total += calls.get<int>();
  }
  return total;
}

TEST(ApplyE2e, FromEmptyToHealthyThenASecondRunChangesNothing) {
  Lab lab(100);
  const auto first_plan = lab.talforge({"plan"});
  EXPECT_EQ(first_plan.exit_code, 2) << first_plan.err;
  EXPECT_THAT(first_plan.out, HasSubstr("Plan: 12 to create"));

  const auto apply = lab.talforge({"apply", "--yes", "-o", "json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.out << apply.err;
  // stdout is NDJSON only: every line parses, and the health gate passed last.
  std::istringstream lines(apply.out);
  std::string line, last_done;
  int events = 0;
  while (std::getline(lines, line)) {
    const auto event = nlohmann::json::parse(line);
    ++events;
    if (event["state"] == "done") {
      last_done = event["step"];
    }
  }
  EXPECT_GT(events, 20);
  EXPECT_EQ(last_done, "cluster.health");

  const nlohmann::json talos = lab.talos_counters();
  EXPECT_EQ(count_of(talos, "bootstrap_calls"), 1);
  EXPECT_EQ(total_apply_calls(talos), 5);
  EXPECT_EQ(lab.proxmox_counters()["vms_created"], 5);

  for (const char* file : {"out/kubeconfig", "out/talosconfig"}) {
    const auto mode = std::filesystem::status(lab.dir() + "/" + file).permissions();
    EXPECT_EQ(mode & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write)
        << file;
  }
  // Through the kubeconfig as written: its server is the VIP, which a control plane holds.
  const auto nodes = lab.kubectl("", {"get", "nodes", "--no-headers"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.err;
  int ready = 0;
  std::istringstream rows(nodes.out);
  while (std::getline(rows, line)) {
    ready += line.find(" Ready ") != std::string::npos ? 1 : 0;
  }
  EXPECT_EQ(ready, 5) << nodes.out;

  const auto status = lab.talforge({"status"});
  EXPECT_EQ(status.exit_code, 0) << status.out << status.err;
  EXPECT_THAT(status.out, HasSubstr("All nodes are running, configured and Ready."));
  const auto status_json = nlohmann::json::parse(lab.talforge({"status", "-o", "json"}).out);
  ASSERT_EQ(status_json.size(), 5u);
  int members = 0;
  for (const auto& node : status_json) {
    EXPECT_EQ(node["kubernetes"], "Ready") << node.dump();
    members += node["etcd_member"].get<bool>() ? 1 : 0;
  }
  EXPECT_EQ(members, 3);

  // Converged: plan says so with exit 0, and apply makes no mutating call anywhere.
  const int pve_mutations = lab.proxmox_mutating_requests();
  const int talos_calls_before = total_rpc_calls(lab.talos_counters());
  const auto second_plan = lab.talforge({"plan"});
  EXPECT_EQ(second_plan.exit_code, 0) << second_plan.out << second_plan.err;
  EXPECT_THAT(second_plan.out, HasSubstr("No changes"));
  // One Version fanned out to every node, each node's config read, one etcd member list.
  EXPECT_EQ(total_rpc_calls(lab.talos_counters()) - talos_calls_before, 1 + 5 + 1);
  const auto second_apply = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(second_apply.exit_code, 0) << second_apply.err;
  EXPECT_EQ(lab.proxmox_mutating_requests(), pve_mutations);
  const nlohmann::json after = lab.talos_counters();
  EXPECT_EQ(count_of(after, "bootstrap_calls"), 1);
  EXPECT_EQ(total_apply_calls(after), 5);

  for (const auto* run : {&first_plan, &apply, &second_plan, &second_apply}) {
    EXPECT_THAT(run->out + run->err, Not(HasSubstr(lab.token_secret())));
  }
}

TEST(ApplyE2e, WithoutYesAndWithoutATerminalNothingIsChanged) {
  Lab lab(101);
  const auto apply = lab.talforge({"apply"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.err, HasSubstr("--yes"));
  EXPECT_EQ(lab.proxmox_mutating_requests(), 0);
}

}  // namespace
}  // namespace e2e
