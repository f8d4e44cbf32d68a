// Config patches: files read relative to cluster.yaml, inline text and mappings, parse errors
// placed in the file they are in, owned keys, RFC 6902 operations; and the Cilium manifest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "spec/patch_check.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::brief;
using spec_test::briefs;
using spec_test::TempDir;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;

// kBase with `patches:` text inserted after line 16 (so the patch section starts on line 17 and
// the nodes move down by the number of inserted lines).
std::string with_patches(const std::string& section) {
  return with_line(16, "  pveNode: pve1\n" + section);
}

TEST(SpecPatches, ReportsAMissingPatchFileAtItsFileKey) {
  TempDir dir;
  const Loaded loaded = load_text(dir.file("cluster.yaml"),
                                  with_patches("patches:\n  all:\n    - file: missing.yaml"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("19:7 error patches.all[0].file: patch file: cannot read " +
                          dir.file("missing.yaml") +
                          ": No such file or directory (paths are relative to the directory of "
                          "the cluster file)"));
}

TEST(SpecPatches, ReadsPatchFilesRelativeToTheClusterFile) {
  TempDir dir;
  const std::string path = dir.write("patches/cp.yaml", "machine:\n  sysctls:\n    a.b: \"1\"\n");
  const Loaded loaded =
      load_text(dir.file("cluster.yaml"),
                with_patches("patches:\n  controlPlane:\n    - file: patches/cp.yaml"));
  ASSERT_TRUE(loaded.ok()) << spec_test::describe(loaded.diagnostics);
  ASSERT_EQ(loaded.spec->patches.control_plane.size(), 1u);
  const Patch& p = loaded.spec->patches.control_plane[0];
  EXPECT_EQ(p.origin, path);
  EXPECT_EQ(p.text, "machine:\n  sysctls:\n    a.b: \"1\"\n");
  EXPECT_EQ(p.kind, PatchKind::StrategicMerge);
}

TEST(SpecPatches, ReportsAPatchFileSyntaxErrorInThatFile) {
  TempDir dir;
  const std::string path = dir.write("bad.yaml", "machine:\n  sysctls: {a: 1\n");
  const Loaded loaded =
      load_text(dir.file("cluster.yaml"), with_patches("patches:\n  all:\n    - file: bad.yaml"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  const Diagnostic& d = loaded.diagnostics[0];
  EXPECT_EQ(d.file, path);
  EXPECT_EQ(brief(d),
            "2:17 error : the patch does not parse: end of map flow not found (a patch "
            "is YAML or JSON: a partial machine config or RFC 6902 operations)");
  EXPECT_EQ(d.source_line, "  sysctls: {a: 1");
}

TEST(SpecPatches, WarnsAboutOwnedKeysInAPatchFileAtTheirPlaceThere) {
  TempDir dir;
  const std::string path = dir.write(
      "owned.yaml", "machine:\n  network:\n    hostname: x\ncluster:\n  clusterName: y\n");
  const Loaded loaded =
      load_text(dir.file("cluster.yaml"), with_patches("patches:\n  all:\n    - file: owned.yaml"));
  EXPECT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded),
              ElementsAre("3:5 warning machine.network.hostname: the patch sets "
                          "machine.network.hostname, which talforge derives from nodes[].name "
                          "(set nodes[].name instead; a patch value overrides talforge's)",
                          "5:3 warning cluster.clusterName: the patch sets cluster.clusterName, "
                          "which talforge derives from cluster.name (set cluster.name instead; a "
                          "patch value overrides talforge's)"));
  EXPECT_EQ(loaded.diagnostics[0].file, path);
}

TEST(SpecPatches, MapsErrorsInsideALiteralBlockToClusterYaml) {
  const Loaded loaded = load_text("cluster.yaml", with_patches("patches:\n"
                                                               "  all:\n"
                                                               "    - inline: |\n"
                                                               "        machine:\n"
                                                               "          type: worker\n"
                                                               "          install: {disk: x\n"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("22:28 error patches.all[0].inline: the patch does not parse: end of "
                          "map flow not found (a patch is YAML or JSON: a partial machine config "
                          "or RFC 6902 operations)"));
}

TEST(SpecPatches, WarnsAboutOwnedKeysInsideALiteralBlockAtTheirPlace) {
  const Loaded loaded = load_text("cluster.yaml", with_patches("patches:\n"
                                                               "  worker:\n"
                                                               "    - inline: |\n"
                                                               "        machine:\n"
                                                               "          type: worker\n"));
  EXPECT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded),
              ElementsAre("21:11 warning patches.worker[0].inline.machine.type: the patch sets "
                          "machine.type, which talforge derives from nodes[].role (set "
                          "nodes[].role instead; a patch value overrides talforge's)"));
}

TEST(SpecPatches, WarnsAboutOwnedKeysInAnInlineMappingAtTheirPlace) {
  const Loaded loaded = load_text(
      "cluster.yaml",
      with_line(21,
                "  - name: w-1\n    role: worker\n    address: 127.10.0.21\n    patches:\n"
                "      - inline: {cluster: {network: {cni: {name: flannel}}}}"));
  EXPECT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded),
              ElementsAre("25:38 warning nodes[3].patches[0].inline.cluster.network.cni: the "
                          "patch sets cluster.network.cni, which talforge derives from the cni "
                          "section (talforge installs Cilium) (set the cni section (talforge "
                          "installs Cilium) instead; a patch value overrides talforge's)"));
  EXPECT_EQ(loaded.spec->nodes[3].patches[0].text,
            R"({"cluster":{"network":{"cni":{"name":"flannel"}}}})");
  EXPECT_EQ(loaded.spec->nodes[3].patches[0].origin, "cluster.yaml:25:17");
}

TEST(SpecPatches, AcceptsJson6902ForTalosBefore112AndChecksOperations) {
  const Loaded ok = load_text(
      "cluster.yaml",
      with_patches(
          "patches:\n  all:\n    - inline: '[{\"op\": \"add\", \"path\": \"/machine/sysctls\", "
          "\"value\": {}}]'"));
  ASSERT_TRUE(ok.ok()) << spec_test::describe(ok.diagnostics);
  EXPECT_EQ(ok.spec->patches.all[0].kind, PatchKind::Json6902);
  const Loaded bad = load_text(
      "cluster.yaml",
      with_patches("patches:\n  all:\n    - inline:\n        - {op: insert, path: /machine/x}\n"
                   "        - {op: add, path: /machine/type, value: worker}\n"
                   "        - {op: add, path: /machine/y}"));
  EXPECT_THAT(briefs(bad),
              ElementsAre("20:16 error patches.all[0].inline[0].op: unknown RFC 6902 operation "
                          "\"insert\" (use add, remove, replace, move, copy or test)",
                          "21:27 warning patches.all[0].inline[1].path: the patch sets "
                          "machine.type, which talforge derives from nodes[].role (set "
                          "nodes[].role instead; a patch value overrides talforge's)",
                          "22:11 error patches.all[0].inline[2]: operation \"add\" needs "
                          "\"value\""));
}

TEST(SpecPatches, RefusesJson6902ForMultiDocumentConfigsOfTalos112) {
  const Loaded loaded = load_text(
      "cluster.yaml",
      with_lines(
          {{5, "  talosVersion: v1.12.11"},
           {6, "  kubernetesVersion: 1.35.4"},
           {16,
            "  pveNode: pve1\npatches:\n  all:\n    - inline: '[{\"op\": \"remove\", \"path\": "
            "\"/machine/x\"}]'"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("19:7 error patches.all[0]: RFC 6902 patches cannot apply to Talos "
                          "v1.12+ configs, which have several documents (write the change as a "
                          "strategic merge patch (a partial machine config))"));
}

TEST(SpecPatches, RefusesAPatchThatIsNeitherKind) {
  EXPECT_THAT(
      briefs(load_text("cluster.yaml", with_patches("patches:\n  all:\n    - inline: hello"))),
      ElementsAre("19:15 error patches.all[0].inline: a patch document must be a "
                  "mapping, found \"hello\" (write a partial machine config (strategic "
                  "merge) or a list of RFC 6902 operations)"));
  EXPECT_THAT(
      briefs(load_text("cluster.yaml", with_patches("patches:\n  all:\n    - patches/x.yaml"))),
      ElementsAre("19:7 error patches.all[0]: expected a patch, found \"patches/x.yaml\" "
                  "(write \"- file: patches/x.yaml\" or \"- inline: {machine: …}\")"));
  EXPECT_THAT(briefs(load_text(
                  "cluster.yaml",
                  with_patches("patches:\n  all:\n    - {file: a.yaml, inline: {machine: {}}}"))),
              ElementsAre("19:7 error patches.all[0]: a patch has either \"file\" or \"inline\", "
                          "not both (split it into two list items)"));
}

TEST(SpecPatchCheck, OwnsTheSecretsAndIdentityKeys) {
  std::vector<std::string> paths;
  for (const OwnedKey& k : owned_keys()) {
    paths.emplace_back(k.path);
  }
  EXPECT_THAT(paths, ::testing::IsSupersetOf(
                         {"machine.type", "machine.token", "machine.ca", "cluster.ca", "cluster.id",
                          "cluster.secret", "cluster.token", "cluster.secretboxEncryptionSecret",
                          "cluster.aggregatorCA", "cluster.serviceAccount", "cluster.etcd.ca",
                          "cluster.controlPlane.endpoint", "machine.network.hostname"}));
}

TEST(SpecCilium, RefusesManifestInstallWithoutAFile) {
  const Loaded loaded =
      load_text("cluster.yaml", with_patches("cni:\n  cilium: {install: manifest}"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("18:21 error cni.cilium.install: install: manifest needs manifestFile, "
                          "the Cilium manifest to install (render one with `helm template cilium "
                          "cilium/cilium … > cilium.yaml` and set manifestFile: cilium.yaml, or "
                          "use install: job)"));
}

TEST(SpecCilium, ReadsTheManifestFileAndReportsAMissingOneAtItsKey) {
  TempDir dir;
  dir.write("cilium.yaml", "apiVersion: v1\nkind: Namespace\n");
  const Loaded loaded = load_text(dir.file("cluster.yaml"),
                                  with_patches("cni:\n  cilium:\n    version: v1.17.0\n    "
                                               "install: manifest\n    manifestFile: cilium.yaml"));
  ASSERT_TRUE(loaded.ok()) << spec_test::describe(loaded.diagnostics);
  EXPECT_EQ(loaded.spec->cilium.install, CiliumInstall::Manifest);
  EXPECT_EQ(loaded.spec->cilium.version, "1.17.0");
  EXPECT_EQ(loaded.spec->cilium.manifest_file, "cilium.yaml");
  EXPECT_EQ(loaded.spec->cilium.manifest_contents, "apiVersion: v1\nkind: Namespace\n");
  const Loaded missing = load_text(
      dir.file("cluster.yaml"),
      with_patches("cni:\n  cilium:\n    install: manifest\n    manifestFile: nope.yaml"));
  EXPECT_THAT(briefs(missing),
              ElementsAre("20:5 error cni.cilium.manifestFile: Cilium manifest: cannot read " +
                          dir.file("nope.yaml") +
                          ": No such file or directory (render it with `helm template cilium "
                          "cilium/cilium …` or use install: job)"));
}

}  // namespace
}  // namespace spec

namespace spec {
namespace {

TEST(SpecPatches, WarnsWhenAPatchDeletesKubeProxySettingsOrReplacesTheNodeNetwork) {
  TempDir dir;
  dir.write("net.yaml",
            "machine:\n  network:\n    interfaces:\n      - deviceSelector: {physical: true}\n"
            "        dhcp: true\ncluster:\n  proxy:\n    $patch: delete\n");
  const Loaded loaded =
      load_text(dir.file("cluster.yaml"), with_patches("patches:\n  all:\n    - file: net.yaml"));
  EXPECT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.diagnostics.size(), 2u);
  EXPECT_EQ(loaded.diagnostics[0].path, "machine.network.interfaces");
  EXPECT_EQ(loaded.diagnostics[0].line, 3);
  EXPECT_EQ(loaded.diagnostics[1].path, "cluster.proxy");
  EXPECT_EQ(loaded.diagnostics[1].line, 7);
}

TEST(SpecPatches, WarnsWhenAPatchTouchesANetworkDocumentTalforgeWrites) {
  TempDir dir;
  dir.write("link.yaml", "apiVersion: v1alpha1\nkind: LinkConfig\nname: uplink\n$patch: delete\n");
  const Loaded loaded =
      load_text(dir.file("cluster.yaml"), with_patches("patches:\n  all:\n    - file: link.yaml"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].severity, Severity::Warning);
  EXPECT_EQ(loaded.diagnostics[0].line, 2);
  EXPECT_EQ(loaded.diagnostics[0].column, 7);
  EXPECT_THAT(loaded.diagnostics[0].message, ::testing::HasSubstr("a LinkConfig document"));
}

}  // namespace
}  // namespace spec
