// Loading valid files: the examples, defaults and normalised values.
#include "spec/load.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/defaults.h"
#include "support.h"
#include "test_paths.h"

namespace spec {
namespace {

using spec_test::describe;
using spec_test::kBase;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;

TEST(SpecLoad, AcceptsTheBaseFileWithoutDiagnostics) {
  const Loaded loaded = load(kBase);
  EXPECT_TRUE(loaded.ok());
  EXPECT_EQ(describe(loaded.diagnostics), "");
}

TEST(SpecLoad, HomelabExampleLoadsWithAllValues) {
  const Loaded loaded = load_file(testing_paths::source("examples/homelab.yaml"));
  ASSERT_TRUE(loaded.ok()) << describe(loaded.diagnostics);
  EXPECT_EQ(describe(loaded.diagnostics), "");
  const Cluster& c = *loaded.spec;
  EXPECT_EQ(c.name, "homelab");
  EXPECT_EQ(c.talos_version, "v1.11.6");
  EXPECT_EQ(c.kubernetes_version, "1.34.1");
  EXPECT_EQ(c.endpoint, "127.10.0.10");
  EXPECT_EQ(c.vip, "127.10.0.10");
  EXPECT_EQ(c.endpoint_url(), "https://127.10.0.10:6443");
  EXPECT_EQ(c.network.nameservers, std::vector<std::string>{"127.10.0.1"});
  EXPECT_EQ(c.network.mtu, 1500);
  EXPECT_EQ(c.image.extensions,
            (std::vector<std::string>{"siderolabs/qemu-guest-agent", "siderolabs/iscsi-tools"}));
  EXPECT_EQ(c.proxmox.token_secret_env, "PROXMOX_TOKEN_SECRET");
  EXPECT_EQ(c.vm_defaults.tags, (std::vector<std::string>{"talforge", "homelab"}));
  ASSERT_EQ(c.nodes.size(), 5u);
  EXPECT_EQ(c.control_planes().size(), 3u);
  EXPECT_EQ(c.nodes[1].pve_node, "pve2");
  EXPECT_EQ(c.nodes[3].memory_mib, 8192);
  EXPECT_EQ(c.nodes[3].disk_gib, 100);
  EXPECT_EQ(c.nodes[3].cores, 4);
  EXPECT_EQ(c.nodes[0].memory_mib, 4096);  // vm.memory: 4GiB
  EXPECT_EQ(c.nodes[0].disk_gib, 32);      // vm.diskSize: 32GiB
  ASSERT_EQ(c.patches.all.size(), 1u);
  EXPECT_EQ(c.patches.all[0].kind, PatchKind::StrategicMerge);
  EXPECT_THAT(c.patches.all[0].text, ::testing::HasSubstr("vm.max_map_count: \"262144\""));
  EXPECT_THAT(c.patches.all[0].origin, ::testing::EndsWith("examples/patches/sysctls.yaml"));
  ASSERT_EQ(c.patches.control_plane.size(), 1u);
  EXPECT_EQ(c.patches.control_plane[0].text,
            "cluster:\n  apiServer:\n    extraArgs:\n      audit-log-maxage: \"30\"\n");
  ASSERT_EQ(c.nodes[4].patches.size(), 1u);
  EXPECT_EQ(c.nodes[4].patches[0].text, R"({"machine":{"nodeLabels":{"storage":"local-ssd"}}})");
  EXPECT_THAT(c.nodes[4].patches[0].origin, ::testing::EndsWith("homelab.yaml:86:11"));
}

TEST(SpecLoad, MinimalExampleLoads) {
  const Loaded loaded = load_file(testing_paths::source("examples/minimal.yaml"));
  ASSERT_TRUE(loaded.ok()) << describe(loaded.diagnostics);
  EXPECT_EQ(describe(loaded.diagnostics), "");
  EXPECT_EQ(loaded.spec->nodes.size(), 1u);
  EXPECT_EQ(loaded.spec->endpoint, "127.10.0.11");  // no VIP: the only control plane
}

TEST(SpecDefaults, FillsEveryDefaultOfTheMinimalFile) {
  const Loaded loaded = load(with_line(7, "  # no vip"));
  ASSERT_TRUE(loaded.ok()) << describe(loaded.diagnostics);
  const Cluster& c = *loaded.spec;
  EXPECT_EQ(c.file, "cluster.yaml");
  EXPECT_EQ(c.endpoint, "127.10.0.11");
  EXPECT_EQ(c.endpoint_port, 6443);
  EXPECT_FALSE(c.vip.has_value());
  EXPECT_EQ(c.pod_subnets, std::vector<std::string>{std::string(kDefaultPodSubnet)});
  EXPECT_EQ(c.service_subnets, std::vector<std::string>{std::string(kDefaultServiceSubnet)});
  EXPECT_EQ(c.dns_domain, "cluster.local");
  EXPECT_FALSE(c.allow_scheduling_on_control_planes);
  EXPECT_EQ(c.secrets_file, "secrets.yaml");
  EXPECT_EQ(c.resolve_path(c.secrets_file), "secrets.yaml");
  EXPECT_EQ(c.cilium.version, "1.16.5");
  EXPECT_EQ(c.cilium.install, CiliumInstall::Job);
  EXPECT_EQ(c.image.factory_url, "https://factory.talos.dev");
  EXPECT_EQ(c.image.platform, "nocloud");
  EXPECT_EQ(c.image.boot, BootMethod::Iso);
  EXPECT_TRUE(c.image.extensions.empty());
  EXPECT_EQ(c.proxmox.endpoint, "https://127.0.0.1:8006");
  EXPECT_EQ(c.proxmox.token_secret_env, "PROXMOX_TOKEN_SECRET");
  EXPECT_FALSE(c.proxmox.insecure_skip_verify);
  EXPECT_EQ(c.vm_defaults.storage, "local-lvm");
  EXPECT_EQ(c.vm_defaults.iso_storage, "local");
  EXPECT_EQ(c.vm_defaults.bridge, "vmbr0");
  EXPECT_EQ(c.vm_defaults.cpu_type, "x86-64-v2-AES");
  EXPECT_FALSE(c.vm_defaults.vlan.has_value());
  const Node& n = c.nodes[0];
  EXPECT_EQ(n.pve_node, "pve1");
  EXPECT_EQ(n.cores, 2);
  EXPECT_EQ(n.memory_mib, 4096);
  EXPECT_EQ(n.disk_gib, 20);
  EXPECT_EQ(n.install_disk, "/dev/sda");
  EXPECT_EQ(n.vmid, 101);
  EXPECT_TRUE(n.patches.empty());
}

TEST(SpecDefaults, KubernetesVersionDefaultsToTheTalosReleaseDefault) {
  const std::pair<const char*, const char*> cases[] = {
      {"v1.9.0", "1.32.4"},   {"v1.10.9", "1.33.6"}, {"v1.11.2", "1.34.1"},
      {"v1.12.11", "1.35.4"}, {"v1.13.9", "1.36.3"}, {"v1.15.0", "1.36.3"}};
  for (auto [talos, k8s] : cases) {
    const Loaded loaded =
        load(with_lines({{5, std::string("  talosVersion: ") + talos}, {6, "  # default"}}));
    ASSERT_TRUE(loaded.ok()) << talos << "\n" << describe(loaded.diagnostics);
    EXPECT_EQ(loaded.spec->kubernetes_version, k8s) << talos;
  }
}

TEST(SpecDefaults, NodeValuesOverrideVmDefaultsAndVlanFollowsTheNetwork) {
  const Loaded loaded = load(with_lines({
      {11, "  vlan: 20"},
      {16, "  {pveNode: pve1, cores: 3, memory: 3GiB, diskSize: 40, storage: fast, tags: [a]}"},
      {21,
       "  - {name: w-1, role: worker, address: 127.10.0.21, pveNode: pve2, cores: 8, "
       "memory: 16384, diskSize: 1TiB, installDisk: /dev/vda}"},
  }));
  ASSERT_TRUE(loaded.ok()) << describe(loaded.diagnostics);
  const Cluster& c = *loaded.spec;
  EXPECT_EQ(c.vm_defaults.vlan, 20);
  EXPECT_EQ(c.vm_defaults.storage, "fast");
  EXPECT_EQ(c.nodes[0].cores, 3);
  EXPECT_EQ(c.nodes[0].memory_mib, 3072);
  EXPECT_EQ(c.nodes[0].disk_gib, 40);
  const Node& w = c.nodes[3];
  EXPECT_EQ(w.pve_node, "pve2");
  EXPECT_EQ(w.cores, 8);
  EXPECT_EQ(w.memory_mib, 16384);
  EXPECT_EQ(w.disk_gib, 1024);
  EXPECT_EQ(w.install_disk, "/dev/vda");
  EXPECT_FALSE(w.vmid.has_value());  // allocated by Proxmox at apply time
}

TEST(SpecLoad, NormalisesVersionsEndpointAndFingerprint) {
  const std::string fp =
      "5c:1e:3a:77:90:ab:cd:ef:01:23:45:67:89:ab:cd:ef:fe:dc:ba:98:76:54:32:10:0f:1e:2d:3c:4b:5a:"
      "69:78";
  const Loaded loaded =
      load(with_lines({{5, "  talosVersion: 1.11.6"},
                       {6, "  kubernetesVersion: v1.33.0"},
                       {13, "  endpoint: https://127.0.0.1/"},
                       {14, "  tokenId: a@pve!ci\n  fingerprint: \"" + fp + "\""}}));
  ASSERT_TRUE(loaded.ok()) << describe(loaded.diagnostics);
  EXPECT_EQ(loaded.spec->talos_version, "v1.11.6");
  EXPECT_EQ(loaded.spec->kubernetes_version, "1.33.0");
  EXPECT_EQ(loaded.spec->proxmox.endpoint, "https://127.0.0.1:8006");
  EXPECT_EQ(loaded.spec->proxmox.fingerprint,
            "5C:1E:3A:77:90:AB:CD:EF:01:23:45:67:89:AB:CD:EF:FE:DC:BA:98:76:54:32:10:0F:1E:2D:3C:"
            "4B:5A:69:78");
}

TEST(SpecLoad, ReportsAnUnreadableFileWithoutALine) {
  const Loaded loaded = load_file("/nonexistent/cluster.yaml");
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_FALSE(loaded.spec.has_value());
  EXPECT_EQ(format_diagnostic(loaded.diagnostics[0]),
            "/nonexistent/cluster.yaml: error: cannot read /nonexistent/cluster.yaml: No such file "
            "or directory (pass the cluster file with -f PATH)");
}

}  // namespace
}  // namespace spec
