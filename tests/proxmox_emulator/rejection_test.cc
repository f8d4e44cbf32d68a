// Requests real PVE rejects are rejected with the same status and body shape (issue 5,
// acceptance criterion 1).
#include <chrono>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "emulators/factory/server.h"
#include "pve_test_support.h"

namespace pve_test {
namespace {

using nlohmann::json;

class Rejection : public ::testing::Test {
 protected:
  void SetUp() override {
    json limited = {{"tokens",
                     {{{"id", "ops@pve!limited"},
                       {"secret", "0b6a7d1e-0000-4a56-9d0e-5d6b2f3c4e5a"},
                       {"privileges", {"VM.Audit", "VM.Config.Options", "VM.Config.Memory"}}}}}};
    server_ = start_emulator("8.4", 2, "", limited);
    ASSERT_TRUE(server_);
    api_ = std::make_unique<PveClient>(*server_, kAdminToken, kAdminSecret);
  }

  // Creates VM `vmid` on pve1 and waits for the create task.
  void create_vm(int vmid) {
    ApiResponse r = api_->post("/nodes/pve1/qemu", {{"vmid", std::to_string(vmid)},
                                                    {"name", "cp-1"},
                                                    {"scsi0", "local-lvm:4"},
                                                    {"net0", "virtio,bridge=vmbr0"}});
    ASSERT_EQ(r.status, 200) << r.raw;
    ASSERT_EQ(api_->wait_task(r.data()).at("exitstatus"), "OK");
  }

  static void expect_param_error(const ApiResponse& r, const std::string& param,
                                 const std::string& message) {
    EXPECT_EQ(r.status, 400) << r.raw;
    EXPECT_EQ(r.body, (json{{"data", nullptr},
                            {"errors", {{param, message}}},
                            {"message", "Parameter verification failed.\n"}}))
        << r.raw;
  }

  static void expect_error(const ApiResponse& r, int status, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.raw;
    EXPECT_EQ(r.body, (json{{"data", nullptr}, {"message", message + "\n"}})) << r.raw;
  }

  std::unique_ptr<pve_emu::ProxmoxServer> server_;
  std::unique_ptr<PveClient> api_;
};

// A body recorded from a real PVE (reference/proxmox/responses/).
json recorded_body(const std::string& file) {
  std::ifstream in(std::string(TALFORGE_SHARED_DIR) + "/reference/proxmox/responses/" + file);
  return json::parse(in, nullptr, false);
}

TEST_F(Rejection, UnknownParameter) {
  expect_param_error(api_->post("/nodes/pve1/qemu", {{"vmid", "101"}, {"cpu-type", "host"}}),
                     "cpu-type",
                     "property is not defined in schema and the schema does not allow additional "
                     "properties");
}

TEST_F(Rejection, BadEnum) {
  expect_param_error(api_->post("/nodes/pve1/qemu", {{"vmid", "101"}, {"bios", "uefi"}}), "bios",
                     "value 'uefi' does not have a value in the enumeration 'seabios, ovmf'");
}

TEST_F(Rejection, MissingRequiredParameter) {
  expect_param_error(api_->post("/nodes/pve1/qemu", {{"name", "cp-1"}}), "vmid",
                     "property is missing and it is not optional");
}

TEST_F(Rejection, BooleanMustBeZeroOrOneAtTopLevel) {
  expect_param_error(api_->post("/nodes/pve1/qemu", {{"vmid", "101"}, {"onboot", "true"}}),
                     "onboot", "type check ('boolean') failed - got 'true'");
}

TEST_F(Rejection, BadPropertyStringNamesTheKey) {
  expect_param_error(
      api_->post("/nodes/pve1/qemu",
                 {{"vmid", "101"}, {"ipconfig0", "ip=127.10.0.11/24,gw=127.10.0"}}),
      "ipconfig0",
      "invalid format - format error\nipconfig0.gw: invalid format - value does not look like a "
      "valid IPv4 address\n\n");
}

TEST_F(Rejection, InvalidDnsName) {
  expect_param_error(api_->post("/nodes/pve1/qemu", {{"vmid", "101"}, {"name", "cp_1"}}), "name",
                     "invalid format - value does not look like a valid DNS name\n");
}

TEST_F(Rejection, VmidTakenOnCreateAndNextid) {
  create_vm(101);
  expect_error(api_->post("/nodes/pve2/qemu", {{"vmid", "101"}}), 500,
               "unable to create VM 101 - VM 101 already exists on node 'pve1'");
  expect_param_error(api_->get("/cluster/nextid", {{"vmid", "101"}}), "vmid",
                     "VM 101 already exists");
  ApiResponse free_id = api_->get("/cluster/nextid");
  EXPECT_EQ(free_id.body, (json{{"data", "100"}}));
}

TEST_F(Rejection, TakenVmidProbeHasTheRecordedPveBody) {
  create_vm(200);
  ApiResponse r = api_->get("/cluster/nextid", {{"vmid", "200"}});
  EXPECT_EQ(r.status, 400) << r.raw;
  json body = r.body;
  EXPECT_EQ(body["message"], "Parameter verification failed.\n");  // pve-http-server >= 5.2
  body.erase("message");
  const json recorded = recorded_body("error-400-nextid-vmid-exists.json");
  ASSERT_FALSE(recorded.is_discarded());
  EXPECT_EQ(body, recorded);
}

TEST_F(Rejection, MissingPrivilege) {
  PveClient limited(*server_, "ops@pve!limited", "0b6a7d1e-0000-4a56-9d0e-5d6b2f3c4e5a");
  expect_error(limited.post("/nodes/pve1/qemu", {{"vmid", "105"}, {"name", "w-1"}}), 403,
               "Permission check failed (/vms/105, VM.Allocate)");
  expect_error(limited.get("/nodes/pve1/status"), 403,
               "Permission check failed (/nodes/pve1, Sys.Audit)");
  EXPECT_EQ(api_->counters().at("permission_failures"), 2);
}

TEST_F(Rejection, LockedVmWhileCreateTaskRuns) {
  // The create task then runs for 10 s; the server's shutdown interrupts it.
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"slow_task_factor", 1000}}).status, 200);
  ApiResponse created = api_->post("/nodes/pve1/qemu", {{"vmid", "110"}, {"scsi0", "local-lvm:4"}});
  ASSERT_EQ(created.status, 200) << created.raw;
  expect_error(api_->put("/nodes/pve1/qemu/110/config", {{"memory", "4096"}}), 500,
               "VM is locked (create)");
  ApiResponse resources = api_->get("/cluster/resources", {{"type", "vm"}});
  EXPECT_EQ(resources.data().at(0).at("lock"), "create");
  EXPECT_EQ(api_->get(fmt::format("/nodes/pve1/tasks/{}/status", url_encode(created.data())))
                .data()
                .at("status"),
            "running");
}

TEST_F(Rejection, ConfigLockTimeoutWhileATaskHoldsTheVm) {
  create_vm(111);
  ASSERT_EQ(api_->admin_post("/_emulator/faults", {{"slow_task_factor", 500}}).status, 200);
  ApiResponse start = api_->post("/nodes/pve1/qemu/111/status/start");
  ASSERT_EQ(start.status, 200);
  // The task logs its first line once it holds the flock.
  const std::string log_path = "/nodes/pve1/tasks/" + url_encode(start.data()) + "/log";
  for (int i = 0; i < 500 && api_->get(log_path).data().at(0).at("t") == "no content"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(api_->get(log_path).data().at(0).at("t"), "generating cloud-init ISO");
  expect_error(api_->put("/nodes/pve1/qemu/111/config", {{"memory", "4096"}}), 500,
               "can't lock file '/var/lock/qemu-server/lock-111.conf' - got timeout");
  ASSERT_EQ(api_->admin_post("/_emulator/faults", json::object()).status, 200);
}

TEST_F(Rejection, IsoIntoNonFileStorage) {
  expect_error(api_->post("/nodes/pve1/storage/local-lvm/download-url",
                          {{"url", "http://127.0.0.1:1/x.iso"},
                           {"content", "iso"},
                           {"filename", "talos.iso"}}),
               500, "can't upload to storage type 'lvmthin', not a file based storage!");
}

TEST_F(Rejection, IsoIntoStorageWithoutIsoContent) {
  // An administrator takes `iso` away from `local` (storage.cfg is cluster-wide).
  ApiResponse changed = api_->put("/storage/local", {{"content", "vztmpl,backup,import"}});
  ASSERT_EQ(changed.status, 200) << changed.raw;
  EXPECT_EQ(changed.data(), (json{{"storage", "local"}, {"type", "dir"}}));
  EXPECT_EQ(api_->get("/nodes/pve2/storage", {{"content", "iso"}}).data(), json::array());
  expect_error(api_->post("/nodes/pve2/storage/local/download-url",
                          {{"url", "http://127.0.0.1:1/x.iso"},
                           {"content", "iso"},
                           {"filename", "talos.iso"}}),
               500, "storage 'local' is not configured for content-type 'iso'");
}

TEST_F(Rejection, IsoWithWrongExtension) {
  expect_param_error(api_->post("/nodes/pve1/storage/local/download-url",
                                {{"url", "http://127.0.0.1:1/x.raw"},
                                 {"content", "iso"},
                                 {"filename", "talos.raw"}}),
                     "filename", "wrong file extension");
}

TEST_F(Rejection, ImportFromAnIsoVolume) {
  auto factory = factory_emu::FactoryServer::start("127.0.0.1", 0);
  ASSERT_TRUE(factory.ok());
  const std::string vanilla = "376567988ad370138ad8b2698212367b8edcb69b5fd68c80be1f2ec7d603b4ba";
  ApiResponse dl = api_->post("/nodes/pve1/storage/local/download-url",
                              {{"url", (*factory)->url() + "/image/" + vanilla +
                                           "/v1.11.6/nocloud-amd64.iso"},
                               {"content", "iso"},
                               {"filename", "talos.iso"}});
  ASSERT_EQ(dl.status, 200) << dl.raw;
  ASSERT_EQ(api_->wait_task(dl.data()).at("exitstatus"), "OK");
  expect_param_error(
      api_->post("/nodes/pve1/qemu",
                 {{"vmid", "120"}, {"scsi0", "local-lvm:0,import-from=local:iso/talos.iso"}}),
      "scsi0", "local:iso/talos.iso has wrong type 'iso' - needs to be 'images' or 'import'");
  expect_error(api_->post("/nodes/pve1/qemu",
                          {{"vmid", "120"}, {"scsi0", "local-lvm:0,import-from=/tmp/x.raw"}}),
               403, "Only root can pass arbitrary filesystem paths.");
}

TEST_F(Rejection, BadTokenGets401WithoutBody) {
  PveClient wrong(*server_, kAdminToken, "00000000-0000-0000-0000-000000000000");
  ApiResponse r = wrong.get("/version");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.raw, "");
  PveClient unknown(*server_, "nobody@pve!x", kAdminSecret);
  EXPECT_EQ(unknown.get("/version").status, 401);
  EXPECT_EQ(api_->counters().at("auth_failures"), 2);
}

TEST_F(Rejection, ExpiredTokenGets401WithoutBody) {
  const json expired = {{"tokens",
                         {{{"id", "ops@pve!old"},
                           {"secret", "7c1e2d3f-0000-4a56-9d0e-5d6b2f3c4e5a"},
                           {"roles", {"Administrator"}},
                           {"expire", 1700000000}}}}};
  ASSERT_EQ(api_->admin_post("/_emulator/tokens", expired).status, 200);
  PveClient old(*server_, "ops@pve!old", "7c1e2d3f-0000-4a56-9d0e-5d6b2f3c4e5a");
  ApiResponse r = old.get("/version");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.raw, "");
  EXPECT_EQ(api_->counters().at("auth_failures"), 1);
}

TEST_F(Rejection, UnknownAndUnparsableTask) {
  expect_param_error(
      api_->get("/nodes/pve1/tasks/" +
                url_encode("UPID:pve1:00001234:01234567:6B071795:qmstart:101:talforge@pve!ci:") +
                "/status"),
      "upid", "no such task");
  expect_param_error(api_->get("/nodes/pve1/tasks/" + url_encode("UPID:nonsense") + "/log"),
                     "upid", "unable to parse worker upid");
}

TEST_F(Rejection, UnknownPathAndUnknownNode) {
  expect_error(api_->get("/nodes/pve1/frobnicate"), 501,
               "Method 'GET /nodes/pve1/frobnicate' not implemented");
  expect_error(api_->get("/nodes/pve9/qemu"), 500,
               "hostname lookup 'pve9' failed - failed to get address info for: pve9: Name or "
               "service not known");
}

TEST_F(Rejection, VmOnAnotherNodeHasNoConfig) {
  create_vm(130);
  expect_error(api_->get("/nodes/pve2/qemu/130/config"), 500,
               "Configuration file 'nodes/pve2/qemu-server/130.conf' does not exist");
}

TEST(RejectionPve74, ImportContentIsUnknownAndErrorsHaveNoMessage) {
  auto server = start_emulator("7.4", 1);
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  ApiResponse r = api.post("/nodes/pve1/storage/local/download-url",
                           {{"url", "http://127.0.0.1:1/talos.qcow2"},
                            {"content", "import"},
                            {"filename", "talos.qcow2"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, (json{{"data", nullptr},
                          {"errors",
                           {{"content",
                             "value 'import' does not have a value in the enumeration 'iso, "
                             "vztmpl'"}}}}))
      << r.raw;
  ApiResponse storages = api.get("/nodes/pve1/storage", {{"content", "import"}});
  EXPECT_EQ(storages.data(), json::array());
  EXPECT_EQ(api.get("/version").data().at("version"), "7.4-19");
}

TEST(RejectionPve74, TakenVmidProbeIsTheRecordedBodyExactly) {
  auto server = start_emulator("7.4", 1);
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  ApiResponse created = api.post("/nodes/pve1/qemu", {{"vmid", "200"}});
  ASSERT_EQ(created.status, 200) << created.raw;
  ASSERT_EQ(api.wait_task(created.data()).at("exitstatus"), "OK");
  ApiResponse r = api.get("/cluster/nextid", {{"vmid", "200"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, recorded_body("error-400-nextid-vmid-exists.json")) << r.raw;
}

TEST(RejectionPve83, ImportOfQcow2ArrivesOnlyIn84) {
  auto server = start_emulator("8.3", 1);
  ASSERT_TRUE(server);
  PveClient api(*server, kAdminToken, kAdminSecret);
  ApiResponse r = api.post("/nodes/pve1/storage/local/download-url",
                           {{"url", "http://127.0.0.1:1/talos.qcow2"},
                            {"content", "import"},
                            {"filename", "talos.qcow2"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.at("errors"), (json{{"filename", "invalid filename or wrong extension"}}));
  EXPECT_FALSE(r.body.contains("message"));
}

}  // namespace
}  // namespace pve_test
