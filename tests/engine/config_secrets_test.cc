// Criterion 1 through the production path: secrets.yaml → secrets::load_bundle →
// engine::config_secrets → generator gives Talos's golden files byte for byte.
#include "engine/config_secrets.h"

#include <gtest/gtest.h>

#include "secrets/bundle.h"
#include "test_paths.h"
#include "util/file.h"

namespace engine {
namespace {

talos::GenOptions base_options(const std::string& version) {
  talos::GenOptions o;
  o.contract = *talos::VersionContract::parse(version);
  o.cluster_name = "base";
  o.endpoint = "https://base:6443";
  o.kubernetes_version = "1.28.0";
  return o;
}

TEST(ConfigSecrets, LoadedReferenceBundleGivesTheGoldenConfigs) {
  auto bundle = secrets::load_bundle(
      testing_paths::shared("reference/talos/gen-config-inputs/secrets.yaml"));
  ASSERT_TRUE(bundle.ok()) << bundle.error().describe();
  const talos::ClusterSecrets s = config_secrets(*bundle);
  for (const char* v : {"v1.9", "v1.10", "v1.11", "v1.12", "v1.13"}) {
    for (auto [role, name] : {std::pair{talos::MachineRole::ControlPlane, "base-controlplane"},
                              std::pair{talos::MachineRole::Worker, "base-worker"}}) {
      const std::string golden = *util::read_file(testing_paths::shared(
          std::string("reference/talos/") + v + "/gen-config/" + name + ".yaml"));
      EXPECT_EQ(util::emit_yaml_stream(talos::generate_documents(role, base_options(v), s)), golden)
          << v << " " << name;
    }
  }
}

}  // namespace
}  // namespace engine
