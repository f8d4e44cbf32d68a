// Structural problems: YAML syntax, unknown/duplicate/missing keys, wrong types, wrong values of
// enumerations — each at its exact line and column.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::kBase;
using spec_test::load;
using spec_test::with_line;
using spec_test::with_lines;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAre;

TEST(SpecStructure, ReportsUnknownKeyWithDidYouMeanAndTheMissingKeyAtItsParent) {
  const Loaded loaded = load(with_line(5, "  talosVerison: v1.11.6"));
  EXPECT_FALSE(loaded.ok());
  EXPECT_FALSE(loaded.spec.has_value());
  EXPECT_THAT(
      briefs(loaded),
      UnorderedElementsAre("5:3 error cluster.talosVerison: unknown key \"talosVerison\" in "
                           "cluster (did you mean \"talosVersion\"?)",
                           "4:3 error cluster.talosVersion: missing required key \"talosVersion\" "
                           "in cluster (e.g. talosVersion: v1.11.6)"));
}

TEST(SpecStructure, SuggestsKeysRegardlessOfCase) {
  const Loaded loaded = load(with_line(16, "  pvenode: pve1"));
  ASSERT_GE(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(spec_test::brief(loaded.diagnostics[0]),
            "16:3 error vm.pvenode: unknown key \"pvenode\" in vm (did you mean \"pveNode\"?)");
}

TEST(SpecStructure, ListsAllowedKeysWhenNothingIsClose) {
  const Loaded loaded = load(with_line(2, "kind: Cluster\nzzz: 1"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("3:1 error zzz: unknown key \"zzz\" at the top level (allowed keys: "
                          "apiVersion, kind, cluster, network, cni, image, patches, proxmox, vm, "
                          "upgrade, nodes)"));
}

TEST(SpecStructure, SuggestsSecretsFileForAMisspeltSecretsFile) {
  const Loaded loaded = load(with_line(4, "  name: lab\n  secretFile: s.yaml"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("5:3 error cluster.secretFile: unknown key \"secretFile\" "
                          "in cluster (did you mean \"secretsFile\"?)"));
}

TEST(SpecStructure, NamesTheSectionOfAKeyWrittenInTheWrongPlace) {
  const Loaded loaded = load(with_line(2, "kind: Cluster\nendpoint: 127.10.0.10"));
  EXPECT_THAT(briefs(loaded), ElementsAre("3:1 error endpoint: unknown key \"endpoint\" at the top "
                                          "level (\"endpoint\" belongs in cluster or proxmox)"));
}

TEST(SpecStructure, TellsThatSecretsNeverGoIntoTheFile) {
  const Loaded loaded = load(with_line(14, "  tokenId: talforge@pve!ci\n  tokenSecret: abc"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("15:3 error proxmox.tokenSecret: unknown key \"tokenSecret\" in proxmox "
                          "(cluster.yaml never holds secrets: put the secret in an environment "
                          "variable and write that variable's name in proxmox.tokenSecretEnv)"));
}

TEST(SpecStructure, ReportsWrongTypesAtTheValue) {
  const Loaded loaded = load(with_lines({
      {4, "  name: lab\n  allowSchedulingOnControlPlanes: yes"},
      {10, "  gateway: [127.10.0.1]"},
      {18, "  - {name: cp-1, role: controlplane, address: 127.10.0.11, vmid: abc}"},
      {19, "  - {name: cp-2, role: controlplane, address: 127.10.0.12, vmid: \"102\"}"},
  }));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("5:35 error cluster.allowSchedulingOnControlPlanes: expected true or "
                          "false, found \"yes\"",
                          "11:12 error network.gateway: expected a string, found a list",
                          "19:66 error nodes[0].vmid: expected an integer, found \"abc\"",
                          "20:66 error nodes[1].vmid: expected an integer, found the string "
                          "\"102\" (remove the quotes)"));
}

TEST(SpecStructure, ReportsAMappingWhereAListBelongs) {
  const Loaded loaded = load(with_line(11, "  nameservers: {a: 1}"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("11:16 error network.nameservers: expected a list, found a mapping "
                          "(write a YAML list: one \"- item\" per line, or [a, b])"));
}

TEST(SpecStructure, ReportsMissingNodeKeyAtTheNodeMapping) {
  const Loaded loaded = load(with_line(18, "  - {name: cp-1, address: 127.10.0.11, vmid: 101}"));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("18:5 error nodes[0].role: missing required key \"role\" in nodes[0] "
                          "(role: controlplane or role: worker)"));
}

TEST(SpecStructure, ReportsMissingSectionAtTheTopLevelMapping) {
  const Loaded loaded = load(with_lines({{8, "# network:"},
                                         {9, "#   cidr: 127.10.0.0/24"},
                                         {10, "#   gateway: 127.10.0.1"},
                                         {11, "#   nameservers: [127.10.0.1]"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("1:1 error network: missing required key \"network\" at the top level "
                          "(e.g. network: {cidr: 127.10.0.0/24})"));
}

TEST(SpecStructure, ReportsAnEmptyRequiredValueAtItsKey) {
  const Loaded loaded = load(with_line(4, "  name:"));
  EXPECT_THAT(briefs(loaded), ElementsAre("4:3 error cluster.name: \"name\" needs a value"));
}

TEST(SpecStructure, ReportsDuplicateKeyAtTheSecondUse) {
  const Loaded loaded = load(with_line(4, "  name: lab\n  name: lab2"));
  EXPECT_THAT(briefs(loaded), ElementsAre("5:3 error cluster.name: duplicate key \"name\" (first "
                                          "on line 4) (remove one of them)"));
}

TEST(SpecStructure, ReportsAWrongEnumValueWithSuggestion) {
  const Loaded loaded = load(with_line(21, "  - {name: w-1, role: wroker, address: 127.10.0.21}"));
  EXPECT_THAT(briefs(loaded), ElementsAre("21:23 error nodes[3].role: \"wroker\" is not a valid "
                                          "value here (did you mean \"worker\"?)"));
}

TEST(SpecStructure, ReportsYamlSyntaxErrorWithPosition) {
  const Loaded loaded = load(with_line(10, "  gateway: 127.10.0.1\n   bad: indentation"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(spec_test::brief(loaded.diagnostics[0]),
            "11:7 error : invalid YAML: illegal map value (check the indentation and quoting "
            "around this place)");
  EXPECT_EQ(loaded.diagnostics[0].source_line, "   bad: indentation");
}

TEST(SpecStructure, ReportsUnclosedFlowSequence) {
  const Loaded loaded = load(with_line(11, "  nameservers: [127.10.0.1"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].line, 12);
  EXPECT_EQ(loaded.diagnostics[0].column, 8);
  EXPECT_EQ(loaded.diagnostics[0].message, "invalid YAML: end of sequence flow not found");
}

TEST(SpecStructure, RefusesASecondDocument) {
  const Loaded loaded = load(kBase + "---\nkind: Cluster\n");
  EXPECT_THAT(briefs(loaded), ElementsAre("23:1 error : cluster.yaml holds one document; found a "
                                          "second one (remove the \"---\" separator and what "
                                          "follows it)"));
}

TEST(SpecStructure, ReportsAnEmptyFile) {
  const Loaded loaded = load("# nothing here\n");
  EXPECT_THAT(briefs(loaded),
              ElementsAre("0:0 error : the file is empty (start from examples/minimal.yaml)"));
}

TEST(SpecStructure, ReportsARootThatIsNotAMapping) {
  const Loaded loaded = load("- a\n- b\n");
  EXPECT_THAT(briefs(loaded), ElementsAre("1:1 error : expected a mapping of keys, found a list"));
}

TEST(SpecStructure, ReportsWrongApiVersionAndKind) {
  const Loaded loaded =
      load(with_lines({{1, "apiVersion: talforge.dev/v2"}, {2, "kind: Clutser"}}));
  EXPECT_THAT(briefs(loaded),
              ElementsAre("1:13 error apiVersion: unsupported apiVersion \"talforge.dev/v2\" "
                          "(this talforge reads apiVersion: talforge.dev/v1alpha1)",
                          "2:7 error kind: unsupported kind \"Clutser\" (this talforge reads "
                          "kind: Cluster)"));
}

TEST(SpecStructure, QuotesTheSourceLineOfEachDiagnostic) {
  const Loaded loaded = load(with_line(10, "  gateway: [127.10.0.1]"));
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].source_line, "  gateway: [127.10.0.1]");
  EXPECT_EQ(loaded.diagnostics[0].file, "cluster.yaml");
  EXPECT_EQ(format_diagnostic(loaded.diagnostics[0]),
            "cluster.yaml:10:12: error: expected a string, found a list");
}

TEST(SpecStructure, ReportsEveryProblemAtOnce) {
  const Loaded loaded = load(
      with_lines({{4, "  name: Lab"},
                  {10, "  gateway: 127.99.0.1"},
                  {14, "  tokenId: nobang"},
                  {16, "  pveNode: pve1\n  memory: 100"},
                  {19, "  - {name: cp-1, role: controlplane, address: 127.10.0.12, vmid: 102}"}}));
  EXPECT_EQ(loaded.diagnostics.size(), 6u) << spec_test::describe(loaded.diagnostics);
}

}  // namespace
}  // namespace spec
