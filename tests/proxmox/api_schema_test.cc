#include "proxmox/api_schema.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "proxmox/vm_spec.h"

namespace proxmox {
namespace {

std::string problem(const HttpRequest& request) {
  auto result = validate_request(request);
  return result.ok() ? "" : result.error().message;
}

VmSpec valid_spec() {
  VmSpec s;
  s.pve_node = "pve1";
  s.vmid = 201;
  s.name = "cp-1";
  s.disk_storage = "local-lvm";
  s.boot_iso = "local:iso/talos.iso";
  s.mac = "BC:24:11:0A:0B:0C";
  s.ip_cidr = "127.10.0.11/8";
  s.gateway = "127.10.0.1";
  s.nameservers = {"127.0.0.53", "127.0.0.54"};
  s.smbios_uuid = "5b0d2c4e-8a1f-4e8b-9a51-0f1e2d3c4b5a";
  s.cluster = "homelab";
  s.role = "controlplane";
  s.vlan = 20;
  return s;
}

TEST(ProxmoxApiSchema, TheCreateTalforgeBuildsIsValidFor8_4) {
  const HttpRequest create{Method::Post, "/nodes/pve1/qemu",
                           create_params(valid_spec(), PveVersion{8, 4, 1, "8.4.1"})};
  EXPECT_EQ(problem(create), "");
}

TEST(ProxmoxApiSchema, SameVerdictsFromSeveralThreadsAndRepeatedCalls) {
  // Patterns are compiled once and shared; the engine validates from several threads at once.
  VmSpec imported = valid_spec();
  imported.boot_disk_image = "local:import/talos.qcow2";
  const HttpRequest good{Method::Post, "/nodes/pve1/qemu",
                         create_params(imported, PveVersion{8, 4, 1, "8.4.1"})};
  const HttpRequest bad{Method::Post, "/nodes/pve1/qemu", {{"vmid", "201"}, {"name", "cp_1"}}};
  std::vector<std::thread> threads;
  std::vector<std::string> verdicts(8);
  for (size_t i = 0; i < verdicts.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 20; ++round) {
        verdicts[i] += problem(i % 2 == 0 ? good : bad).empty() ? "." : "x";
      }
    });
  }
  for (std::thread& t : threads) {
    t.join();
  }
  for (size_t i = 0; i < verdicts.size(); ++i) {
    EXPECT_EQ(verdicts[i], std::string(20, i % 2 == 0 ? '.' : 'x')) << i;
  }
  EXPECT_NE(problem(bad).find("name: invalid format - value does not look like a valid DNS name"),
            std::string::npos);
}

TEST(ProxmoxApiSchema, UnknownAndMissingParametersAreRefusedWithPveMessages) {
  const std::string unknown = problem({Method::Post, "/nodes/pve1/qemu", {{"vmid", "201"}, {"colour", "red"}}});
  EXPECT_NE(unknown.find("colour: property is not defined in schema"), std::string::npos) << unknown;
  const std::string missing = problem({Method::Post, "/nodes/pve1/qemu", {{"name", "cp-1"}}});
  EXPECT_NE(missing.find("vmid: property is missing and it is not optional"), std::string::npos)
      << missing;
}

TEST(ProxmoxApiSchema, TypesBoundsEnumsAndFormatsAreChecked) {
  auto with = [](std::string key, std::string value) {
    return problem({Method::Post, "/nodes/pve1/qemu", {{"vmid", "201"}, {key, value}}});
  };
  EXPECT_NE(with("cores", "two").find("type check ('integer') failed - got 'two'"), std::string::npos);
  EXPECT_NE(problem({Method::Post, "/nodes/pve1/qemu", {{"vmid", "99"}}}).find("minimum value of 100"),
            std::string::npos);
  EXPECT_NE(with("onboot", "true").find("type check ('boolean') failed"), std::string::npos);
  EXPECT_NE(with("scsihw", "virtio-scsi").find("enumeration"), std::string::npos);
  EXPECT_NE(with("name", "cp_1").find("valid DNS name"), std::string::npos);
  EXPECT_NE(with("tags", "talforge;Bad Tag!").find("invalid characters in tag"), std::string::npos);
  EXPECT_NE(with("net0", "virtio=BC:24:11:0A:0B:0C,bridge=vmbr0,speed=10").find("invalid key"),
            std::string::npos);
  EXPECT_NE(with("agent", "enabled=maybe").find("agent"), std::string::npos);
  EXPECT_NE(with("ipconfig0", "address=127.10.0.11/8").find("invalid key"), std::string::npos);
  EXPECT_NE(with("nameserver", "dns.example").find("valid IP address"), std::string::npos);
  EXPECT_EQ(with("agent", "enabled=on,type=virtio"), "");
  EXPECT_EQ(with("memory", "4096"), "");
}

TEST(ProxmoxApiSchema, PathPlaceholdersAreValidatedToo) {
  EXPECT_NE(problem({Method::Get, "/nodes/pve_1/qemu/201/config", {}}).find("node"), std::string::npos);
  EXPECT_EQ(problem({Method::Get, "/nodes/pve1/qemu/201/config", {}}), "");
  EXPECT_EQ(problem({Method::Get,
                     "/nodes/pve1/tasks/UPID%3Apve1%3A0009E5A5%3A014D341C%3A64B0769A%3Aqmcreate%3A105%3Aroot%40pam%3A/status",
                     {}}),
            "");
}

TEST(ProxmoxApiSchema, EndpointsOutsideTheTableAreAnInternalError) {
  auto result = validate_request({Method::Post, "/nodes/pve1/qemu/201/migrate", {}});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, util::ErrorCode::Internal);
}

TEST(ProxmoxApiSchema, DownloadUrlParametersFollowTheSchema) {
  EXPECT_EQ(problem({Method::Post, "/nodes/pve1/storage/local/download-url",
                     {{"url", "http://127.0.0.1:8080/image/x/v1.11.6/nocloud-amd64.iso"},
                      {"content", "iso"},
                      {"filename", "talos.iso"},
                      {"checksum", std::string(64, 'a')},
                      {"checksum-algorithm", "sha256"}}}),
            "");
  EXPECT_NE(problem({Method::Post, "/nodes/pve1/storage/local/download-url",
                     {{"url", "http://127.0.0.1/x.iso"}, {"content", "images"}, {"filename", "x.iso"}}})
                .find("content"),
            std::string::npos);
}

}  // namespace
}  // namespace proxmox

#include "process.h"

namespace proxmox {
namespace {

TEST(ProxmoxApiSchema, GeneratedTableIsUpToDateWithTheReferenceSchema) {
  const auto run = testing_process::run({"python3", testing_paths::source("scripts/gen-pve-schema"),
                                         TALFORGE_SHARED_DIR});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out, testing_process::slurp(testing_paths::source("src/proxmox/api_schema_data.cc")))
      << "re-run scripts/gen-pve-schema > src/proxmox/api_schema_data.cc";
}

}  // namespace
}  // namespace proxmox
