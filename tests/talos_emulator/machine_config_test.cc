// Tests of machine-config acceptance: the real golden configs of every release and talforge's own
// generated configs are accepted; broken configs are rejected with Talos's messages; facts are
// extracted.
#include "emulators/talos/machine_config.h"

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "process.h"
#include "test_paths.h"
#include "unique_dir.h"

namespace talos_emu {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string schema_dir() {
  return testing_paths::shared("reference/talos");
}

AcceptOptions options_for(const std::string& talos_version) {
  AcceptOptions o;
  o.talos_version = talos_version;
  o.schema_dir = schema_dir();
  return o;
}

// Newest patch of each minor (talos.md §0).
const std::vector<std::pair<std::string, std::string>> kReleases = {
    {"v1.9", "v1.9.6"},    {"v1.10", "v1.10.9"}, {"v1.11", "v1.11.6"},
    {"v1.12", "v1.12.11"}, {"v1.13", "v1.13.9"}, {"v1.14", "v1.14.0-rc.1"}};

std::string golden(const std::string& minor, const std::string& name) {
  return read(schema_dir() + "/" + minor + "/gen-config/" + name);
}

// Replaces the first occurrence of `from` (which must exist) by `to`.
std::string edit(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  EXPECT_NE(pos, std::string::npos) << "fixture lacks: " << from;
  if (pos != std::string::npos) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

std::string rejection(const std::string& yaml, const AcceptOptions& options) {
  auto result = accept_machine_config(yaml, options);
  if (result.ok()) {
    return "<accepted>";
  }
  EXPECT_EQ(result.error().code, util::ErrorCode::InvalidInput) << result.error().message;
  return result.error().message;
}

std::string v111_controlplane() {
  return golden("v1.11", "overrides-controlplane.yaml");
}
std::string v111_worker() {
  return golden("v1.11", "overrides-worker.yaml");
}

TEST(MachineConfigAccept, AcceptsEveryGoldenConfigOfItsRelease) {
  int checked = 0;
  for (const auto& [minor, version] : kReleases) {
    for (const auto& entry : fs::directory_iterator(schema_dir() + "/" + minor + "/gen-config")) {
      if (entry.path().extension() != ".yaml") {
        continue;
      }
      // The base configs were generated without an install disk: valid on cloud platforms.
      AcceptOptions options = options_for(version);
      options.platform_mode = "cloud";
      auto result = accept_machine_config(read(entry.path()), options);
      EXPECT_TRUE(result.ok()) << entry.path() << ": " << result.error().message;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 24);
}

TEST(MachineConfigAccept, AcceptsGoldenConfigsWithInstallDiskInMetalMode) {
  for (const auto& [minor, version] : kReleases) {
    for (const char* name : {"overrides-controlplane.yaml", "overrides-worker.yaml"}) {
      auto result = accept_machine_config(golden(minor, name), options_for(version));
      EXPECT_TRUE(result.ok()) << minor << "/" << name << ": " << result.error().message;
    }
  }
}

TEST(MachineConfigAccept, RejectsMissingInstallDiskInMetalMode) {
  std::string base = golden("v1.11", "base-controlplane.yaml");
  EXPECT_EQ(rejection(base, options_for("v1.11.6")),
            "configuration validation failed: 1 error occurred:\n"
            "\t* either install disk or diskSelector should be defined\n\n");
  std::string no_install = edit(base, "    install:\n        wipe: false\n", "");
  EXPECT_NE(rejection(no_install, options_for("v1.11.6"))
                .find("install instructions are required in \"metal\" mode"),
            std::string::npos);
}

TEST(MachineConfigAccept, RejectsUnknownKeysAsParseFailure) {
  std::string yaml =
      edit(v111_controlplane(), "    certSANs:\n", "    bogusKey: 1\n    certSANs:\n");
  std::string message = rejection(yaml, options_for("v1.11.6"));
  EXPECT_EQ(message.rfind("failed to parse config: unknown keys found during decoding", 0), 0u)
      << message;
  EXPECT_NE(message.find("/machine/bogusKey"), std::string::npos) << message;
}

TEST(MachineConfigAccept, RejectsWrongYamlTypes) {
  std::string yaml = edit(v111_controlplane(), "        wipe: false", "        wipe: sometimes");
  std::string message = rejection(yaml, options_for("v1.11.6"));
  EXPECT_EQ(message.rfind("failed to parse config: yaml: unmarshal errors", 0), 0u) << message;
  EXPECT_NE(message.find("/machine/install/wipe: expected boolean, but got string"),
            std::string::npos)
      << message;
  std::string list_for_map =
      edit(v111_controlplane(), "    certSANs:\n        - foo\n        - bar\n",
           "    certSANs:\n        foo: bar\n");
  EXPECT_NE(rejection(list_for_map, options_for("v1.11.6")).find("/machine/certSANs"),
            std::string::npos);
}

TEST(MachineConfigAccept, NewerReleasesStillDecodeDeprecatedV1Alpha1Fields) {
  // v1.12+ schemas hide machine.network.* and features.rbac; Talos still accepts them.
  std::string yaml = edit(v111_controlplane(), "    network: {}\n",
                          "    network:\n        hostname: cp-1\n        nameservers:\n"
                          "            - 127.0.0.53\n");
  for (const char* version : {"v1.12.11", "v1.13.9"}) {
    auto config = accept_machine_config(yaml, options_for(version));
    ASSERT_TRUE(config.ok()) << version << ": " << config.error().message;
    EXPECT_EQ(config->hostname, "cp-1");
  }
  std::string typo = edit(yaml, "        hostname: cp-1\n", "        hostnme: cp-1\n");
  EXPECT_NE(rejection(typo, options_for("v1.13.9")).find("/machine/network/hostnme"),
            std::string::npos);
  std::string bad_type = edit(yaml, "            - 127.0.0.53\n", "            x: y\n");
  EXPECT_NE(rejection(bad_type, options_for("v1.13.9")).find("/machine/network/nameservers"),
            std::string::npos);
}

TEST(MachineConfigAccept, RejectsEmptyConfigEvenInMaintenance) {
  AcceptOptions maintenance = options_for("v1.11.6");
  maintenance.maintenance = true;
  EXPECT_EQ(rejection("", maintenance),
            "failed to parse config: the config is empty: it holds no YAML document");
  EXPECT_EQ(rejection("---\n", maintenance).rfind("failed to parse config: ", 0), 0u);
}

TEST(MachineConfigAccept, RejectsBrokenYaml) {
  std::string message =
      rejection("version: v1alpha1\nmachine: [unclosed\n", options_for("v1.11.6"));
  EXPECT_EQ(message.rfind("failed to parse config: ", 0), 0u) << message;
  EXPECT_EQ(rejection("- just\n- a list\n", options_for("v1.11.6")).rfind("failed to parse", 0),
            0u);
}

TEST(MachineConfigAccept, RejectsWorkerCarryingOsCaKey) {
  std::string yaml = edit(v111_worker(), "        key: \"\"", "        key: TFMwdA==");
  EXPECT_NE(rejection(yaml, options_for("v1.11.6"))
                .find("machine.ca.key must not be set on worker nodes"),
            std::string::npos);
}

TEST(MachineConfigAccept, RejectsControlPlaneWithoutOsCaKey) {
  std::string yaml =
      std::regex_replace(v111_controlplane(), std::regex("\n        key: \\S+"),
                         "\n        key: \"\"", std::regex_constants::format_first_only);
  std::string message = rejection(yaml, options_for("v1.11.6"));
  EXPECT_NE(message.find("machine.ca.crt and machine.ca.key are required on control plane"),
            std::string::npos)
      << message;
}

TEST(MachineConfigAccept, RejectsDuplicateInlineManifestName) {
  std::string yaml = edit(v111_controlplane(), "    clusterName: base\n",
                          "    clusterName: base\n    inlineManifests:\n"
                          "        - name: cilium\n          contents: a\n"
                          "        - name: cilium\n          contents: b\n");
  EXPECT_NE(
      rejection(yaml, options_for("v1.11.6")).find("inline manifest name \"cilium\" is duplicate"),
      std::string::npos);
}

TEST(MachineConfigAccept, RejectsUnknownCniName) {
  std::string yaml =
      edit(v111_controlplane(), "            name: custom", "            name: calico");
  std::string message = rejection(yaml, options_for("v1.11.6"));
  EXPECT_EQ(message.rfind("configuration validation failed: ", 0), 0u) << message;
  EXPECT_NE(message.find("calico"), std::string::npos) << message;
  // Without the schema the semantic rule alone still catches it.
  AcceptOptions no_schema = options_for("v1.11.6");
  no_schema.schema_dir.clear();
  EXPECT_NE(rejection(yaml, no_schema).find("cluster.network.cni.name \"calico\" is not supported"),
            std::string::npos);
}

TEST(MachineConfigAccept, RejectsConfigWithoutV1Alpha1UnlessMaintenance) {
  const std::string docs_only =
      "apiVersion: v1alpha1\nkind: KmsgLogConfig\nname: remote\nurl: tcp://127.0.0.1:5000\n";
  EXPECT_EQ(rejection(docs_only, options_for("v1.11.6")),
            "the applied machine configuration doesn't contain v1alpha1 config, did you mean to "
            "patch the machine config instead?");
  AcceptOptions maintenance = options_for("v1.11.6");
  maintenance.maintenance = true;
  auto accepted = accept_machine_config(docs_only, maintenance);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->kinds, std::vector<std::string>{"KmsgLogConfig"});
}

TEST(MachineConfigAccept, RejectsKindsNewerThanTheNodeRelease) {
  std::string yaml = v111_controlplane() +
                     "---\napiVersion: v1alpha1\nkind: HostnameConfig\n"
                     "hostname: cp-1\n";
  EXPECT_NE(
      rejection(yaml, options_for("v1.11.6")).find("unknown document kind \"HostnameConfig\""),
      std::string::npos);
  std::string v112 =
      edit(golden("v1.12", "overrides-controlplane.yaml"), "kind: HostnameConfig\nauto: stable",
           "kind: HostnameConfig\nhostname: cp-1");
  auto accepted = accept_machine_config(v112, options_for("v1.12.11"));
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->hostname, "cp-1");
}

TEST(MachineConfigAccept, RejectsDuplicateDocumentsMissingKindAndPersistFalse) {
  std::string kmsg = "---\napiVersion: v1alpha1\nkind: KmsgLogConfig\nname: a\n";
  EXPECT_NE(rejection(v111_controlplane() + kmsg + kmsg, options_for("v1.11.6"))
                .find("duplicate document"),
            std::string::npos);
  EXPECT_EQ(rejection(v111_controlplane() + "---\nname: a\n", options_for("v1.11.6")),
            "failed to parse config: missing kind");
  EXPECT_NE(rejection(v111_controlplane() + "---\napiVersion: v1alpha1\nname: a\n",
                      options_for("v1.11.6"))
                .find("duplicate document"),
            std::string::npos);
  std::string no_persist = edit(v111_controlplane(), "persist: true", "persist: false");
  EXPECT_NE(rejection(no_persist, options_for("v1.11.6")).find(".persist should be enabled"),
            std::string::npos);
}

TEST(MachineConfigAccept, ExtractsFactsFromV1Alpha1) {
  std::string yaml = edit(v111_controlplane(), "    network: {}\n",
                          "    network:\n        hostname: cp-1\n        interfaces:\n"
                          "            - interface: eth0\n              addresses:\n"
                          "                - 127.10.0.11/24\n              vip:\n"
                          "                ip: 127.10.0.10\n");
  yaml = edit(yaml, "    clusterName: base\n",
              "    clusterName: base\n    inlineManifests:\n        - name: cilium-install\n"
              "          contents: |\n            kind: Job\n");
  auto config = accept_machine_config(yaml, options_for("v1.11.6"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->type, "controlplane");
  EXPECT_EQ(config->hostname, "cp-1");
  EXPECT_EQ(config->addresses, std::vector<std::string>{"127.10.0.11/24"});
  EXPECT_EQ(config->vip, "127.10.0.10");
  EXPECT_EQ(config->machine_token, "d8cwfa.eyvpi0xwxyarbfid");
  EXPECT_EQ(config->os_ca_crt_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_NE(config->os_ca_key_pem.find("PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(config->k8s_ca_crt_pem.rfind("-----BEGIN CERTIFICATE-----\n", 0), 0u);
  EXPECT_NE(config->k8s_ca_key_pem.find("PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(config->cluster_name, "base");
  EXPECT_EQ(config->control_plane_endpoint, "https://base:6443");
  EXPECT_EQ(config->cluster_id, "0raF93qnkMvF-FZNuvyGozXNdLiT2FOWSlyBaW4PR-w=");
  EXPECT_EQ(config->kubernetes_version, "v1.28.0");
  EXPECT_EQ(config->cni_name, "custom");
  EXPECT_EQ(config->install_disk, "/dev/vda");
  EXPECT_EQ(config->cert_sans, (std::vector<std::string>{"foo", "bar"}));
  EXPECT_TRUE(config->rbac);
  ASSERT_EQ(config->inline_manifests.size(), 1u);
  EXPECT_EQ(config->inline_manifests[0].first, "cilium-install");
  EXPECT_EQ(config->inline_manifests[0].second, "kind: Job\n");
  EXPECT_EQ(config->raw_yaml, yaml);
  EXPECT_FALSE(config->warnings.empty());  // kubelet 1.28 is outside v1.11's window
}

TEST(MachineConfigAccept, ExtractsWorkerFactsAndDefaultCni) {
  auto config = accept_machine_config(golden("v1.11", "base-worker.yaml"), [] {
    AcceptOptions o = options_for("v1.11.6");
    o.platform_mode = "cloud";
    return o;
  }());
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->type, "worker");
  EXPECT_TRUE(config->os_ca_key_pem.empty());
  EXPECT_FALSE(config->os_ca_crt_pem.empty());
  EXPECT_EQ(config->cni_name, "flannel");
  EXPECT_TRUE(config->hostname.empty());
}

TEST(MachineConfigAccept, ExtractsFactsFromNetworkDocumentsOfV112) {
  std::string yaml = golden("v1.12", "overrides-worker.yaml") +
                     "---\napiVersion: v1alpha1\nkind: LinkConfig\nname: eth0\naddresses:\n"
                     "    - address: 127.10.0.21/24\n"
                     "---\napiVersion: v1alpha1\nkind: Layer2VIPConfig\nname: 127.10.0.10\n"
                     "link: eth0\n";
  auto config = accept_machine_config(yaml, options_for("v1.12.11"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->addresses, std::vector<std::string>{"127.10.0.21/24"});
  EXPECT_EQ(config->vip, "127.10.0.10");
  EXPECT_EQ(config->kinds, (std::vector<std::string>{"RegistryMirrorConfig", "HostnameConfig",
                                                     "LinkConfig", "Layer2VIPConfig"}));
}

TEST(MachineConfigAccept, ExtractsFactsFromV114Documents) {
  auto config = accept_machine_config(golden("v1.14", "overrides-controlplane.yaml"),
                                      options_for("v1.14.0-rc.1"));
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->type, "controlplane");
  EXPECT_EQ(config->cluster_name, "base");
  EXPECT_EQ(config->control_plane_endpoint, "https://base:6443");
  EXPECT_EQ(config->cluster_id, "0raF93qnkMvF-FZNuvyGozXNdLiT2FOWSlyBaW4PR-w=");
  EXPECT_EQ(config->kubernetes_version, "v1.28.0");
  EXPECT_EQ(config->install_disk, "/dev/vda");
  EXPECT_EQ(config->cni_name, "custom");
  EXPECT_EQ(config->k8s_ca_crt_pem.rfind("-----BEGIN CERTIFICATE-----", 0), 0u);
}

TEST(MachineConfigAccept, KubernetesWindowIsEnforcedWhenAsked) {
  AcceptOptions strict = options_for("v1.11.6");
  strict.enforce_kubernetes_window = true;
  EXPECT_NE(rejection(v111_controlplane(), strict)
                .find("Kubernetes 1.28 (from machine.kubelet.image) is outside"),
            std::string::npos);
  std::string current =
      std::regex_replace(v111_controlplane(), std::regex(":v1\\.28\\.0"), ":v1.34.1");
  EXPECT_TRUE(accept_machine_config(current, strict).ok());
}

MachineConfig accepted(const std::string& yaml) {
  auto config = accept_machine_config(yaml, options_for("v1.11.6"));
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? *config : MachineConfig{};
}

TEST(MachineConfigReboot, LiveChangesNeedNoReboot) {
  MachineConfig old_config = accepted(v111_controlplane());
  EXPECT_FALSE(change_needs_reboot(old_config, old_config));
  EXPECT_TRUE(changed_paths(old_config, old_config).empty());
  MachineConfig kubelet = accepted(std::regex_replace(
      v111_controlplane(), std::regex("kubelet:v1\\.28\\.0"), "kubelet:v1.29.0"));
  EXPECT_FALSE(change_needs_reboot(old_config, kubelet));
  EXPECT_EQ(changed_paths(old_config, kubelet), std::vector<std::string>{"/machine/kubelet/image"});
  MachineConfig kubeprism = accepted(edit(v111_controlplane(), "port: 7445", "port: 7446"));
  EXPECT_FALSE(change_needs_reboot(old_config, kubeprism));
  MachineConfig extra_doc = accepted(v111_controlplane() +
                                     "---\napiVersion: v1alpha1\nkind: KmsgLogConfig\nname: a\n"
                                     "url: tcp://127.0.0.1:5000\n");
  EXPECT_FALSE(change_needs_reboot(old_config, extra_doc));
}

TEST(MachineConfigReboot, OtherChangesNeedReboot) {
  MachineConfig old_config = accepted(v111_controlplane());
  MachineConfig token = accepted(edit(v111_controlplane(), "token: d8cwfa.eyvpi0xwxyarbfid",
                                      "token: aaaaaa.bbbbbbbbbbbbbbbb"));
  EXPECT_TRUE(change_needs_reboot(old_config, token));
  MachineConfig stable =
      accepted(edit(v111_controlplane(), "stableHostname: true", "stableHostname: false"));
  EXPECT_TRUE(change_needs_reboot(old_config, stable));
  EXPECT_EQ(changed_paths(old_config, stable),
            std::vector<std::string>{"/machine/features/stableHostname"});
}

struct GeneratedCase {
  const char* talos;
  const char* kubernetes;
  const char* next_talos;  // the release an upgrade lands on: it must accept the same config
};

void PrintTo(const GeneratedCase& c, std::ostream* os) {
  *os << c.talos;
}

class GeneratedByTalforge : public ::testing::TestWithParam<GeneratedCase> {};

// talforge's own `gen secrets` + `gen config` output for examples/homelab.yaml, retargeted to
// each supported release, must be accepted by a node of that release (metal mode, strict
// Kubernetes window).
TEST_P(GeneratedByTalforge, EveryNodeConfigIsAccepted) {
  const GeneratedCase c = GetParam();
  const std::string dir = testing_paths::unique_dir(std::string("h2-genconfig-") + c.talos);
  std::string text = read(testing_paths::source("examples/homelab.yaml"));
  text = std::regex_replace(text, std::regex("talosVersion: .*"),
                            std::string("talosVersion: ") + c.talos);
  text = std::regex_replace(text, std::regex("kubernetesVersion: .*"),
                            std::string("kubernetesVersion: ") + c.kubernetes);
  std::ofstream(dir + "/cluster.yaml") << text;
  fs::copy(testing_paths::source("examples/patches"), dir + "/patches",
           fs::copy_options::recursive);
  auto secrets = testing_process::talforge({"gen", "secrets", "-o", "secrets.yaml"}, dir);
  ASSERT_EQ(secrets.exit_code, 0) << secrets.err;
  auto gen =
      testing_process::talforge({"gen", "config", "-f", "cluster.yaml", "--out", "out"}, dir);
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  AcceptOptions options = options_for(c.talos);
  options.enforce_kubernetes_window = true;
  int nodes = 0;
  for (const auto& entry : fs::directory_iterator(dir + "/out")) {
    std::string yaml = read(entry.path());
    if (yaml.rfind("version: v1alpha1", 0) != 0) {
      continue;  // talosconfig and other non-machine-config files
    }
    auto config = accept_machine_config(yaml, options);
    ASSERT_TRUE(config.ok()) << entry.path() << ": " << config.error().message;
    auto after_upgrade = accept_machine_config(yaml, options_for(c.next_talos));
    EXPECT_TRUE(after_upgrade.ok())
        << c.next_talos << " " << entry.path() << ": " << after_upgrade.error().message;
    EXPECT_EQ(config->cluster_name, "homelab");
    EXPECT_EQ(config->kubernetes_version, std::string("v") + c.kubernetes);
    EXPECT_FALSE(config->hostname.empty()) << entry.path();
    EXPECT_FALSE(config->install_disk.empty()) << entry.path();
    EXPECT_EQ(config->os_ca_key_pem.empty(), config->type == "worker") << entry.path();
    ++nodes;
  }
  EXPECT_EQ(nodes, 5);
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Releases, GeneratedByTalforge,
                         ::testing::Values(GeneratedCase{"v1.9.6", "1.32.4", "v1.10.9"},
                                           GeneratedCase{"v1.10.9", "1.33.6", "v1.11.6"},
                                           GeneratedCase{"v1.11.6", "1.34.1", "v1.12.11"},
                                           GeneratedCase{"v1.12.11", "1.35.4", "v1.13.9"},
                                           GeneratedCase{"v1.13.9", "1.36.3", "v1.13.9"}));

}  // namespace
}  // namespace talos_emu
