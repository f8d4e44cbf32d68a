// schema/cluster.schema.json: every example validates against it (with the real jsonschema
// package), it rejects what the loader rejects structurally, and it lists exactly the keys the
// loader accepts.
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "spec/keys.h"
#include "support.h"
#include "test_paths.h"
#include "util/file.h"

namespace spec {
namespace {

int validate_with_python(const std::vector<std::string>& files) {
  std::string cmd = "/usr/bin/python3 " + testing_paths::source("tests/spec/validate_schema.py") +
                    " " + testing_paths::source("schema/cluster.schema.json");
  for (const std::string& f : files) {
    cmd += " '" + f + "'";
  }
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SpecSchema, EveryExampleValidatesAgainstTheSchema) {
  std::vector<std::string> examples;
  for (const auto& e : std::filesystem::directory_iterator(testing_paths::source("examples"))) {
    if (e.path().extension() == ".yaml") {
      examples.push_back(e.path().string());
    }
  }
  ASSERT_GE(examples.size(), 2u);
  EXPECT_EQ(validate_with_python(examples), 0);
}

TEST(SpecSchema, RejectsUnknownKeysAndMissingRequiredOnes) {
  spec_test::TempDir dir;
  const std::string typo =
      dir.write("typo.yaml", spec_test::with_line(5, "  talosVerison: v1.11.6"));
  const std::string no_role =
      dir.write("no-role.yaml", spec_test::with_line(21, "  - {name: w-1, address: 127.10.0.21}"));
  const std::string ok = dir.write("ok.yaml", spec_test::kBase);
  EXPECT_EQ(validate_with_python({ok}), 0);
  EXPECT_EQ(validate_with_python({typo}), 1);
  EXPECT_EQ(validate_with_python({no_role}), 1);
}

std::set<std::string> schema_keys(const nlohmann::json& object) {
  std::set<std::string> out;
  for (const auto& [key, value] : object.at("properties").items()) {
    out.insert(key);
  }
  return out;
}

std::set<std::string> loader_keys(std::span<const std::string_view> keys) {
  return {keys.begin(), keys.end()};
}

TEST(SpecSchema, ListsExactlyTheKeysTheLoaderAccepts) {
  const nlohmann::json schema =
      nlohmann::json::parse(*util::read_file(testing_paths::source("schema/cluster.schema.json")));
  const nlohmann::json& defs = schema.at("$defs");
  EXPECT_EQ(schema_keys(schema), loader_keys(keys::kRoot));
  EXPECT_EQ(schema_keys(defs.at("cluster")), loader_keys(keys::kCluster));
  EXPECT_EQ(schema_keys(defs.at("network")), loader_keys(keys::kNetwork));
  EXPECT_EQ(schema_keys(defs.at("cni")), loader_keys(keys::kCni));
  EXPECT_EQ(schema_keys(defs.at("cni").at("properties").at("cilium")), loader_keys(keys::kCilium));
  EXPECT_EQ(schema_keys(defs.at("image")), loader_keys(keys::kImage));
  EXPECT_EQ(schema_keys(defs.at("patches")), loader_keys(keys::kPatches));
  EXPECT_EQ(schema_keys(defs.at("patch")), loader_keys(keys::kPatch));
  EXPECT_EQ(schema_keys(defs.at("proxmox")), loader_keys(keys::kProxmox));
  EXPECT_EQ(schema_keys(defs.at("vm")), loader_keys(keys::kVm));
  EXPECT_EQ(schema_keys(defs.at("node")), loader_keys(keys::kNode));
}

TEST(SpecSchema, DocumentsTheSameDefaultsAsTheLoader) {
  const nlohmann::json schema =
      nlohmann::json::parse(*util::read_file(testing_paths::source("schema/cluster.schema.json")));
  const nlohmann::json& defs = schema.at("$defs");
  const Loaded loaded = spec_test::load(spec_test::with_line(7, "  # no vip"));
  ASSERT_TRUE(loaded.ok());
  const Cluster& c = *loaded.spec;
  const nlohmann::json& cluster = defs.at("cluster").at("properties");
  EXPECT_EQ(cluster.at("endpointPort").at("default"), c.endpoint_port);
  EXPECT_EQ(cluster.at("podSubnets").at("default"), c.pod_subnets);
  EXPECT_EQ(cluster.at("serviceSubnets").at("default"), c.service_subnets);
  EXPECT_EQ(cluster.at("dnsDomain").at("default"), c.dns_domain);
  EXPECT_EQ(cluster.at("secretsFile").at("default"), c.secrets_file);
  const nlohmann::json& vm = defs.at("vm").at("properties");
  EXPECT_EQ(vm.at("storage").at("default"), c.vm_defaults.storage);
  EXPECT_EQ(vm.at("isoStorage").at("default"), c.vm_defaults.iso_storage);
  EXPECT_EQ(vm.at("bridge").at("default"), c.vm_defaults.bridge);
  EXPECT_EQ(vm.at("cores").at("default"), c.vm_defaults.cores);
  EXPECT_EQ(vm.at("cpuType").at("default"), c.vm_defaults.cpu_type);
  EXPECT_EQ(vm.at("memory").at("default"), c.vm_defaults.memory_mib);
  EXPECT_EQ(vm.at("diskSize").at("default"), c.vm_defaults.disk_gib);
  EXPECT_EQ(defs.at("node").at("properties").at("installDisk").at("default"),
            c.nodes[0].install_disk);
  EXPECT_EQ(defs.at("image").at("properties").at("factoryUrl").at("default"), c.image.factory_url);
  EXPECT_EQ(defs.at("image").at("properties").at("platform").at("default"), c.image.platform);
  EXPECT_EQ(defs.at("proxmox").at("properties").at("tokenSecretEnv").at("default"),
            c.proxmox.token_secret_env);
  EXPECT_EQ(
      defs.at("cni").at("properties").at("cilium").at("properties").at("version").at("default"),
      c.cilium.version);
}

}  // namespace
}  // namespace spec
