// Acceptance: fed the inputs of reference/talos/gen-config-inputs, the generator reproduces the
// real Talos generator's golden files byte for byte (v1.9 … v1.13).
#include "talos/config_gen.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/patch.h"
#include "talos/reference_secrets.h"
#include "test_paths.h"
#include "util/file.h"

namespace talos {
namespace {

using testing_support::reference_secrets;

GenOptions base_options(const std::string& version) {
  GenOptions o;
  o.contract = *VersionContract::parse(version);
  o.cluster_name = "base";
  o.endpoint = "https://base:6443";
  o.kubernetes_version = "1.28.0";
  return o;
}

GenOptions override_options(const std::string& version) {
  GenOptions o = base_options(version);
  o.additional_sans = {"foo", "bar"};
  o.allow_scheduling_on_control_planes = true;
  o.dns_domain = "example.com";
  o.install_disk = "/dev/vda";
  o.install_extra_kernel_args = {"foo=bar", "bar=baz"};
  o.local_api_server_port = 5443;
  o.sysctls = {{"foo", "bar"}};
  o.cni = CniOptions{"custom", {"https://example.com/cni.yaml"}};
  o.registry_mirrors = {{"ghcr.io", {"https://ghcr.io.my-mirror.com"}}};
  return o;
}

std::string golden(const std::string& version, const std::string& name) {
  return *util::read_file(
      testing_paths::shared("reference/talos/" + version + "/gen-config/" + name + ".yaml"));
}

class GoldenConfigs : public ::testing::TestWithParam<const char*> {};

TEST_P(GoldenConfigs, BaseConfigsMatchTalosByteForByte) {
  const std::string v = GetParam();
  const ClusterSecrets s = reference_secrets();
  EXPECT_EQ(
      util::emit_yaml_stream(generate_documents(MachineRole::ControlPlane, base_options(v), s)),
      golden(v, "base-controlplane"));
  EXPECT_EQ(util::emit_yaml_stream(generate_documents(MachineRole::Worker, base_options(v), s)),
            golden(v, "base-worker"));
}

TEST_P(GoldenConfigs, OverrideConfigsWithPatchMatchTalosByteForByte) {
  const std::string v = GetParam();
  const ClusterSecrets s = reference_secrets();
  const std::string patch_path =
      testing_paths::shared("reference/talos/gen-config-inputs/patch.yaml");
  util::Result<ConfigPatch> patch = parse_patch(*util::read_file(patch_path), patch_path);
  ASSERT_TRUE(patch.ok()) << patch.error().describe();
  for (auto [role, name] : {std::pair{MachineRole::ControlPlane, "overrides-controlplane"},
                            std::pair{MachineRole::Worker, "overrides-worker"}}) {
    std::vector<Tree> docs = generate_documents(role, override_options(v), s);
    util::Result<void> applied = apply_patch(docs, *patch);
    ASSERT_TRUE(applied.ok()) << applied.error().describe();
    EXPECT_EQ(util::emit_yaml_stream(docs), golden(v, name)) << name;
  }
}

INSTANTIATE_TEST_SUITE_P(Contracts, GoldenConfigs,
                         ::testing::Values("v1.9", "v1.10", "v1.11", "v1.12", "v1.13"),
                         [](const auto& info) {
                           std::string n = info.param;
                           std::replace(n.begin(), n.end(), '.', '_');
                           return n;
                         });

}  // namespace
}  // namespace talos
