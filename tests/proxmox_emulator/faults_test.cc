// Fault injection and counters (emulator-only admin routes).
#include <gtest/gtest.h>

#include "pve_test_support.h"

namespace pve_test {
namespace {

using nlohmann::json;

class Faults : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = start_emulator("8.4", 1);
    ASSERT_TRUE(server_);
    api_ = std::make_unique<PveClient>(*server_, kAdminToken, kAdminSecret);
  }
  std::unique_ptr<pve_emu::ProxmoxServer> server_;
  std::unique_ptr<PveClient> api_;
};

TEST_F(Faults, BurstAnswers503ThenRecovers) {
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"error_burst", 2}}).status, 200);
  EXPECT_EQ(api_->get("/version").status, 503);
  ApiResponse second = api_->post("/nodes/pve1/qemu", {{"vmid", "100"}});
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(second.body.at("data"), nullptr);
  EXPECT_EQ(api_->get("/version").status, 200);
  EXPECT_EQ(api_->get("/cluster/resources", {{"type", "vm"}}).data(), json::array());
  EXPECT_EQ(api_->counters().at("injected_errors"), 2);
}

TEST_F(Faults, ErrorRateHitsAboutThatShareOfRequests) {
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"error_rate", 0.2}, {"seed", 7}}).status, 200);
  int failed = 0;
  for (int i = 0; i < 100; ++i) {
    const int status = api_->get("/version").status;
    EXPECT_TRUE(status == 200 || status == 500 || status == 503) << status;
    failed += status != 200;
  }
  EXPECT_GT(failed, 5);
  EXPECT_LT(failed, 40);
}

TEST_F(Faults, FailingTaskEndsWithErrorAndLeavesNoVm) {
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"task_failure_rate", 1}}).status, 200);
  ApiResponse created = api_->post("/nodes/pve1/qemu", {{"vmid", "100"}, {"scsi0", "local-lvm:2"}});
  ASSERT_EQ(created.status, 200);
  json status = api_->wait_task(created.data());
  EXPECT_EQ(status.at("exitstatus"),
            "unable to create VM 100 - emulated failure (fault injection)");
  EXPECT_EQ(api_->get("/cluster/resources", {{"type", "vm"}}).data(), json::array());
  EXPECT_EQ(api_->get("/nodes/pve1/storage/local-lvm/content").data(), json::array());
}

TEST_F(Faults, LockContentionGivesTheLockTimeoutText) {
  ApiResponse created = api_->post("/nodes/pve1/qemu", {{"vmid", "100"}});
  ASSERT_EQ(api_->wait_task(created.data()).at("exitstatus"), "OK");
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"lock_contention_rate", 1}}).status, 200);
  ApiResponse update = api_->put("/nodes/pve1/qemu/100/config", {{"cores", "2"}});
  EXPECT_EQ(update.status, 500);
  EXPECT_EQ(update.body.at("message"),
            "can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout\n");
}

TEST_F(Faults, DroppedConnectionGivesNoResponse) {
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"drop_rate", 1}}).status, 200);
  EXPECT_EQ(api_->get("/version").status, -1);
  ASSERT_EQ(api_->admin_post("/_emulator/faults", json::object()).status, 200);
  EXPECT_EQ(api_->get("/version").status, 200);
  EXPECT_EQ(api_->counters().at("dropped_connections"), 1);
}

TEST_F(Faults, UnknownFaultKeyIsRefused) {
  ApiResponse r = api_->admin_post("/_emulator/faults", {{"explode", 1}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.raw.find("unknown or non-numeric key \"explode\""), std::string::npos);
}

TEST_F(Faults, CountersCountRequestsPerEndpointAndValidationFailures) {
  api_->get("/nodes/pve1/qemu");
  api_->get("/nodes/pve1/qemu");
  api_->post("/nodes/pve1/qemu", {{"vmid", "1"}});
  json counters = api_->counters();
  EXPECT_EQ(counters.at("requests").at("GET /nodes/{node}/qemu"), 2);
  EXPECT_EQ(counters.at("requests").at("POST /nodes/{node}/qemu"), 1);
  EXPECT_EQ(counters.at("validation_failures"), 1);
}

}  // namespace
}  // namespace pve_test
