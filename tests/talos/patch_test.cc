#include "talos/patch.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/config_document.h"

namespace talos {
namespace {

using ::testing::HasSubstr;

std::vector<Tree> docs_of(const std::string& text) {
  auto docs = decode_documents(text, "base", DecodeMode::Config);
  EXPECT_TRUE(docs.ok()) << docs.error().describe();
  return *docs;
}

std::string patched(const std::string& base, const std::string& patch_text) {
  std::vector<Tree> docs = docs_of(base);
  util::Result<ConfigPatch> patch = parse_patch(patch_text, "patch");
  if (!patch.ok()) {
    return "parse error: " + patch.error().describe();
  }
  util::Result<void> r = apply_patch(docs, *patch);
  if (!r.ok()) {
    return "apply error: " + r.error().describe();
  }
  return util::emit_yaml_stream(docs);
}

const char* kBase = R"(version: v1alpha1
machine:
  type: controlplane
  certSANs: [a]
  network:
    interfaces:
      - interface: eth0
        addresses: [127.10.0.11/24]
        vlans:
          - vlanId: 5
            mtu: 1400
cluster:
  network:
    podSubnets: [10.244.0.0/16]
  apiServer:
    admissionControl:
      - name: PodSecurity
        configuration: {kind: X, defaults: {enforce: baseline}}
)";

TEST(StrategicMerge, AppendsListsAndReplacesSubnetLists) {
  EXPECT_EQ(
      patched(kBase, "machine: {certSANs: [b]}\ncluster: {network: {podSubnets: [10.1.0.0/16]}}"),
      "version: v1alpha1\nmachine:\n    type: controlplane\n    certSANs:\n        - a\n"
      "        - b\n    network:\n        interfaces:\n            - interface: eth0\n"
      "              addresses:\n                - 127.10.0.11/24\n              vlans:\n"
      "                - vlanId: 5\n                  mtu: 1400\ncluster:\n    network:\n"
      "        podSubnets:\n            - 10.1.0.0/16\n    apiServer:\n"
      "        admissionControl:\n            - name: PodSecurity\n"
      "              configuration:\n                defaults:\n"
      "                    enforce: baseline\n                kind: X\n");
}

TEST(StrategicMerge, MergesInterfacesByNameAndVlansById) {
  const std::string out = patched(kBase, R"(machine:
  network:
    interfaces:
      - interface: eth0
        mtu: 9000
        vlans:
          - vlanId: 5
            mtu: 1500
)");
  EXPECT_THAT(out, HasSubstr("            - interface: eth0\n              addresses:\n"
                             "                - 127.10.0.11/24\n              vlans:\n"
                             "                - vlanId: 5\n                  mtu: 1500\n"
                             "              mtu: 9000\n"));
}

TEST(StrategicMerge, DeleteDirectiveRemovesMappingAndListItem) {
  EXPECT_THAT(patched(kBase, "machine:\n  network:\n    $patch: delete\n"),
              ::testing::Not(HasSubstr("interfaces")));
  EXPECT_THAT(patched(kBase,
                      "machine:\n  network:\n    interfaces:\n      - interface: eth0\n"
                      "        $patch: delete\n"),
              HasSubstr("    network:\n        interfaces: []\n"));
}

TEST(StrategicMerge, ZeroScalarsDoNotOverride) {
  EXPECT_THAT(patched(kBase, "machine:\n  type: \"\"\n"), HasSubstr("type: controlplane"));
}

TEST(StrategicMerge, UnmatchedDocumentsAreAppendedAndDeletedByDirective) {
  const std::string base =
      std::string(kBase) + "---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
  EXPECT_THAT(patched(base, "apiVersion: v1alpha1\nkind: HostnameConfig\n$patch: delete\n"),
              ::testing::Not(HasSubstr("HostnameConfig")));
  EXPECT_THAT(patched(kBase, "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n"),
              HasSubstr("---\napiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n"));
}

TEST(StrategicMerge, UnknownKeyInPatchIsAnError) {
  EXPECT_THAT(patched(kBase, "machine:\n  kubelett: {}\n"),
              HasSubstr("unknown keys found during decoding: machine.kubelett"));
}

TEST(Json6902, AppliesOperationsFromJsonAndYamlLists) {
  EXPECT_THAT(patched(kBase, R"([{"op": "replace", "path": "/machine/type", "value": "worker"}])"),
              HasSubstr("type: worker"));
  EXPECT_THAT(patched(kBase, "- op: add\n  path: /machine/certSANs/-\n  value: z\n"),
              HasSubstr("        - a\n        - z\n"));
}

TEST(Json6902, FailsOnMissingPathAndOnMultiDocumentConfigs) {
  EXPECT_THAT(patched(kBase, R"([{"op": "replace", "path": "/machine/nope", "value": 1}])"),
              HasSubstr("JSON patch failed"));
  const std::string multi =
      std::string(kBase) + "---\napiVersion: v1alpha1\nkind: HostnameConfig\nauto: stable\n";
  EXPECT_THAT(patched(multi, R"([{"op": "remove", "path": "/machine/certSANs"}])"),
              HasSubstr("JSON6902 patches are not supported for multi-document"));
}

TEST(PatchParse, ReportsInvalidJsonWhenTextStartsWithBracket) {
  util::Result<ConfigPatch> p = parse_patch("[{\"op\": ", "p.json");
  ASSERT_FALSE(p.ok());
  EXPECT_THAT(p.error().describe(), HasSubstr("invalid JSON patch"));
}

}  // namespace
}  // namespace talos
