// Configs generated from a cluster model: layers, per-role content and schema validity.
#include "talos/cluster_configs.h"

#include <cstdio>
#include <filesystem>
#include <sys/wait.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/node_mac.h"
#include "talos/reference_secrets.h"
#include "test_paths.h"
#include "util/file.h"
#include "unique_dir.h"

namespace talos {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSchematic =
    "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";

spec::Cluster lab_cluster(const std::string& talos_version, const std::string& k8s_version) {
  spec::Cluster c;
  c.name = "lab";
  c.talos_version = talos_version;
  c.kubernetes_version = k8s_version;
  c.endpoint = "127.10.0.10";
  c.vip = "127.10.0.10";
  c.network.cidr = "127.10.0.0/24";
  c.network.gateway = "127.10.0.1";
  c.network.nameservers = {"127.10.0.1"};
  c.cilium.version = "1.16.5";
  auto node = [](std::string name, spec::NodeRole role, std::string addr) {
    spec::Node n;
    n.name = std::move(name);
    n.role = role;
    n.address = std::move(addr);
    return n;
  };
  c.nodes = {node("cp-1", spec::NodeRole::ControlPlane, "127.10.0.11"),
             node("w-1", spec::NodeRole::Worker, "127.10.0.21")};
  return c;
}

std::vector<NodeConfig> generate(const spec::Cluster& c) {
  auto configs = generate_cluster_configs(c, testing_support::reference_secrets(), kSchematic);
  EXPECT_TRUE(configs.ok()) << configs.error().describe();
  return configs.ok() ? *configs : std::vector<NodeConfig>{};
}

int validate_against_schema(const std::string& version, const std::vector<NodeConfig>& configs) {
  const std::string dir = testing_paths::unique_dir("cfg-" + version);
  std::string cmd = "/usr/bin/python3 " +
                    testing_paths::source("tests/tools/validate_talos_config.py") + " " +
                    testing_paths::shared("reference/talos/" + version + "/config.schema.json");
  for (const NodeConfig& c : configs) {
    const std::string path = dir + "/" + c.node + ".yaml";
    EXPECT_TRUE(util::write_file_atomic(path, c.yaml, 0600).ok());
    cmd += " " + path;
  }
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(ClusterConfigs, ValidateAgainstTheTalosSchemaOfEachSupportedVersion) {
  const std::pair<const char*, const char*> versions[] = {{"v1.9", "v1.9.6"},
                                                          {"v1.10", "v1.10.9"},
                                                          {"v1.11", "v1.11.6"},
                                                          {"v1.12", "v1.12.11"},
                                                          {"v1.13", "v1.13.9"}};
  for (auto [schema, talos] : versions) {
    EXPECT_EQ(validate_against_schema(schema, generate(lab_cluster(talos, "1.32.4"))), 0) << schema;
  }
}

TEST(ClusterConfigs, ControlPlaneCarriesNetworkVipAndCiliumWithoutKubeProxy) {
  const std::vector<NodeConfig> configs = generate(lab_cluster("v1.11.6", "1.34.1"));
  ASSERT_EQ(configs.size(), 2u);
  const std::string& cp = configs[0].yaml;
  EXPECT_THAT(cp, HasSubstr("    network:\n        hostname: cp-1\n        interfaces:\n"
                            "            - deviceSelector:\n                hardwareAddr: " +
                            spec::node_mac(lab_cluster("v1.11.6", "1.34.1"),
                                           lab_cluster("v1.11.6", "1.34.1").nodes[0]) +
                            "\n"
                            "              addresses:\n                - 127.10.0.11/24\n"
                            "              routes:\n                - network: 0.0.0.0/0\n"
                            "                  gateway: 127.10.0.1\n"
                            "              vip:\n                ip: 127.10.0.10\n"
                            "        nameservers:\n            - 127.10.0.1\n"));
  EXPECT_THAT(cp, HasSubstr("        image: factory.talos.dev/nocloud-installer/" +
                            std::string(kSchematic) + ":v1.11.6\n"));
  EXPECT_THAT(cp, HasSubstr("        cni:\n            name: none\n"));
  EXPECT_THAT(cp, HasSubstr("    proxy:\n        disabled: true\n"
                            "        image: registry.k8s.io/kube-proxy:v1.34.1\n"));
  EXPECT_THAT(cp,
              HasSubstr("    inlineManifests:\n        - name: cilium\n          contents: |\n"));
  EXPECT_THAT(cp, HasSubstr("cilium install --version 1.16.5"));
}

TEST(ClusterConfigs, WorkerHoldsNoCaKeysEtcdAggregatorOrServiceAccountMaterial) {
  const std::vector<NodeConfig> configs = generate(lab_cluster("v1.11.6", "1.34.1"));
  const ClusterSecrets s = testing_support::reference_secrets();
  const std::string& worker = configs[1].yaml;
  for (const std::string& secret :
       {s.os_key, s.k8s_key, s.aggregator_key, s.aggregator_crt, s.service_account_key, s.etcd_key,
        s.etcd_crt, s.secretbox_encryption_secret}) {
    EXPECT_THAT(worker, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(worker, Not(HasSubstr("inlineManifests")));
  EXPECT_THAT(worker, Not(HasSubstr("vip:")));
  EXPECT_THAT(worker, HasSubstr("        key: \"\"\n"));
}

TEST(ClusterConfigs, Version112AndLaterUseNetworkDocumentsSelectedByMac) {
  const spec::Cluster c = lab_cluster("v1.12.11", "1.35.4");
  const std::vector<NodeConfig> configs = generate(c);
  const std::string mac = spec::node_mac(c, c.nodes[0]);
  EXPECT_THAT(configs[0].yaml,
              HasSubstr("---\napiVersion: v1alpha1\nkind: LinkAliasConfig\nname: uplink\n"
                        "selector:\n    match: mac(link.permanent_addr) == \"" +
                        mac +
                        "\"\n"
                        "---\napiVersion: v1alpha1\nkind: LinkConfig\nname: uplink\naddresses:\n"
                        "    - address: 127.10.0.11/24\nroutes:\n    - gateway: 127.10.0.1\n"
                        "---\napiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 127.10.0.10\n"
                        "link: uplink\n---\napiVersion: v1alpha1\nkind: ResolverConfig\n"
                        "nameservers:\n    - address: 127.10.0.1\n"
                        "---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n"));
  EXPECT_THAT(configs[0].yaml, Not(HasSubstr("auto: stable")));
  EXPECT_THAT(configs[1].yaml, Not(HasSubstr("Layer2VIPConfig")));
}

TEST(ClusterConfigs, UserPatchesApplyAfterTalforgeSettingsInOrder) {
  spec::Cluster c = lab_cluster("v1.11.6", "1.34.1");
  c.patches.all.push_back({"all.yaml", "machine:\n  sysctls:\n    vm.max_map_count: 262144\n"});
  c.patches.worker.push_back({"worker.yaml", "machine:\n  sysctls:\n    vm.max_map_count: 1\n"});
  c.nodes[1].patches.push_back(
      {"w-1.json", R"([{"op": "add", "path": "/machine/nodeLabels", "value": {"zone": "a"}}])"});
  const std::vector<NodeConfig> configs = generate(c);
  EXPECT_THAT(configs[0].yaml, HasSubstr("    sysctls:\n        vm.max_map_count: \"262144\"\n"));
  EXPECT_THAT(configs[1].yaml, HasSubstr("    sysctls:\n        vm.max_map_count: \"1\"\n"));
  EXPECT_THAT(configs[1].yaml, HasSubstr("    nodeLabels:\n        zone: a\n"));
}

TEST(ClusterConfigs, BrokenPatchNamesNodeAndPatch) {
  spec::Cluster c = lab_cluster("v1.11.6", "1.34.1");
  c.nodes[1].patches.push_back({"w-1-extra.yaml", "machine:\n  kubelett: {}\n"});
  auto configs = generate_cluster_configs(c, testing_support::reference_secrets(), kSchematic);
  ASSERT_FALSE(configs.ok());
  EXPECT_THAT(configs.error().describe(),
              HasSubstr("config for node w-1: w-1-extra.yaml: unknown keys found during decoding: "
                        "machine.kubelett"));
}

TEST(ClusterConfigs, SameInputsGiveSameBytes) {
  EXPECT_EQ(generate(lab_cluster("v1.13.9", "1.36.3"))[0].yaml,
            generate(lab_cluster("v1.13.9", "1.36.3"))[0].yaml);
}

}  // namespace
}  // namespace talos

namespace talos {
namespace {

TEST(ClusterConfigs, InstallerImageNamePerTalosVersion) {
  EXPECT_EQ(installer_image(lab_cluster("v1.9.6", "1.32.4"), kSchematic),
            "factory.talos.dev/installer/" + std::string(kSchematic) + ":v1.9.6");
  EXPECT_EQ(installer_image(lab_cluster("v1.10.9", "1.33.6"), kSchematic),
            "factory.talos.dev/nocloud-installer/" + std::string(kSchematic) + ":v1.10.9");
}

TEST(ClusterConfigs, KernelArgsGoToTheInstallSectionBeforeTalos112Only) {
  spec::Cluster old_talos = lab_cluster("v1.11.6", "1.34.1");
  old_talos.image.extra_kernel_args = {"console=ttyS0"};
  EXPECT_THAT(generate(old_talos)[0].yaml,
              HasSubstr("        extraKernelArgs:\n            - console=ttyS0\n"));
  spec::Cluster new_talos = lab_cluster("v1.12.11", "1.35.4");
  new_talos.image.extra_kernel_args = {"console=ttyS0"};
  EXPECT_THAT(generate(new_talos)[0].yaml, Not(HasSubstr("extraKernelArgs")));
}

}  // namespace
}  // namespace talos
