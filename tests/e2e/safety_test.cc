// Issue #6: what apply and destroy must never do — configure a machine that is not the VM
// talforge created, or remove a VM the cluster does not own.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "e2e/lab_support.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;

// Subnets 102, 103 and 105 (see apply_test.cc).
TEST(SafetyE2e, AMachineWithAnotherUuidAtANodesAddressNeverReceivesAConfig) {
  Lab lab(102);
  const std::string impostor = lab.address(21);  // worker-1's address
  ASSERT_EQ(lab.talos_admin_post("/v1/nodes", {{"address", impostor},
                                               {"uuid", "0badc0de-0000-4000-8000-000000000001"}}),
            201);
  const auto apply = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(apply.exit_code, 1) << apply.err;
  EXPECT_THAT(apply.err, HasSubstr("reports SMBIOS UUID 0badc0de-0000-4000-8000-000000000001"));
  EXPECT_THAT(apply.err, HasSubstr("no config was sent"));
  const nlohmann::json counters = lab.talos_counters();
  EXPECT_FALSE(counters["apply_calls"].contains(impostor)) << counters.dump();
}

TEST(SafetyE2e, DestroyRemovesOnlyTheClustersVmsAndKeepsTheFiles) {
  Lab lab(103);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  // A VM of someone else on the same PVE node, even with a similar name.
  proxmox::Params outside = {{"vmid", "990"}, {"name", "cp-1"}, {"memory", "512"}};
  ASSERT_TRUE(lab.pve_client().run_task(proxmox::Method::Post, "/nodes/pve1/qemu", outside).ok());

  const auto destroy = lab.talforge({"destroy", "--yes"});
  ASSERT_EQ(destroy.exit_code, 0) << destroy.err;
  util::Result<proxmox::ClusterState> state = lab.pve().cluster();
  ASSERT_TRUE(state.ok());
  ASSERT_EQ(state->vms.size(), 1u);
  EXPECT_EQ(state->vms[0].vmid, 990);
  EXPECT_TRUE(std::filesystem::exists(lab.dir() + "/secrets.yaml"));
  EXPECT_TRUE(std::filesystem::exists(lab.dir() + "/cluster.yaml"));

  const auto again = lab.talforge({"destroy", "--yes"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("Nothing to destroy"));
}

// Secrets guard: a regenerated bundle must never be pushed to a running cluster.
TEST(SafetyE2e, ARegeneratedBundleIsRefusedBeforeAnyCall) {
  Lab lab(105);
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  ASSERT_EQ(lab.talforge({"gen", "secrets", "--force"}).exit_code, 0);
  const int pve_mutations = lab.proxmox_mutating_requests();
  const nlohmann::json talos_before = lab.talos_counters();

  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 1) << plan.out << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("certificate that the secrets bundle's OS CA did not sign"));
  const auto apply = lab.talforge({"apply", "--yes"});
  EXPECT_EQ(apply.exit_code, 1);
  EXPECT_THAT(apply.out, HasSubstr("Refusing to change anything"));
  EXPECT_EQ(lab.proxmox_mutating_requests(), pve_mutations);
  EXPECT_EQ(lab.talos_counters()["apply_calls"], talos_before["apply_calls"]);
  EXPECT_EQ(lab.talos_counters()["bootstrap_calls"], talos_before["bootstrap_calls"]);
}

}  // namespace
}  // namespace e2e
