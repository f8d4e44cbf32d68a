// The Talos support matrix (talos.md §0) and version parsing.
#include "spec/versions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_lines;
using ::testing::ElementsAre;

Loaded load_versions(const std::string& talos, const std::string& k8s) {
  return load(with_lines({{5, "  talosVersion: " + talos},
                          {6, k8s.empty() ? "  # default" : "  kubernetesVersion: " + k8s}}));
}

TEST(SpecVersions, ParsesWithOrWithoutLeadingV) {
  const std::optional<Version> v = parse_version("v1.14.0-rc.1");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 14);
  EXPECT_EQ(v->patch, 0);
  EXPECT_EQ(v->prerelease, "rc.1");
  EXPECT_EQ(v->str(), "1.14.0-rc.1");
  EXPECT_EQ(parse_version("1.34.1")->str(), "1.34.1");
  EXPECT_FALSE(parse_version("1.11").has_value());
  EXPECT_FALSE(parse_version("v1.11.x").has_value());
  EXPECT_FALSE(parse_version("01.11.6").has_value());
  EXPECT_FALSE(parse_version("1.11.6-").has_value());
  EXPECT_FALSE(parse_version("").has_value());
}

TEST(SpecVersions, APreReleaseComesBeforeItsRelease) {
  const Version rc = *parse_version("v1.14.0-rc.1");
  const Version release = *parse_version("v1.14.0");
  EXPECT_LT(rc, release);
  EXPECT_LT(*parse_version("v1.13.9"), rc);
  EXPECT_LT(*parse_version("v1.14.0-alpha.2"), rc);
  EXPECT_EQ(*parse_version("1.14.0"), release);
  EXPECT_LT(*parse_version("v1.9.6"), *parse_version("v1.10.0"));
}

TEST(SpecVersions, NormalisesTalosWithVAndKubernetesWithout) {
  const Loaded loaded = load_versions("1.12.3", "v1.35.0");
  ASSERT_TRUE(loaded.ok()) << spec_test::describe(loaded.diagnostics);
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.spec->talos_version, "v1.12.3");
  EXPECT_EQ(loaded.spec->kubernetes_version, "1.35.0");
}

TEST(SpecVersions, AcceptsANewPatchReleaseOfAKnownMinorSilently) {
  const Loaded loaded = load_versions("v1.13.12", "1.36.5");
  ASSERT_TRUE(loaded.ok());
  EXPECT_TRUE(loaded.diagnostics.empty());
  EXPECT_EQ(loaded.spec->talos_version, "v1.13.12");
}

TEST(SpecVersions, WarnsAboutAnUnknownMinorNamingTheContractUsed) {
  const Loaded loaded = load_versions("v1.15.0", "1.36.3");
  ASSERT_TRUE(loaded.ok());
  EXPECT_THAT(briefs(loaded),
              ElementsAre("5:17 warning cluster.talosVersion: talforge does not know Talos v1.15 "
                          "yet; it generates configs for the v1.13 contract, which newer Talos "
                          "releases accept (check the Talos release notes, or pin v1.13.9)"));
}

TEST(SpecVersions, TreatsTheV114PreReleaseAsUnknownMinor) {
  const Loaded loaded = load_versions("v1.14.0-rc.1", "");
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded.diagnostics.size(), 1u);
  EXPECT_EQ(loaded.diagnostics[0].severity, Severity::Warning);
  EXPECT_EQ(loaded.spec->talos_version, "v1.14.0-rc.1");
  EXPECT_EQ(loaded.spec->kubernetes_version, "1.36.3");
}

TEST(SpecVersions, RefusesTalosOlderThanV19) {
  EXPECT_THAT(briefs(load_versions("v1.8.3", "1.31.0")),
              ElementsAre("5:17 error cluster.talosVersion: Talos v1.8.3 is older than v1.9, the "
                          "oldest release talforge supports (use v1.9 … v1.13)"));
}

TEST(SpecVersions, RefusesSomethingThatIsNotAVersion) {
  EXPECT_THAT(briefs(load_versions("1.11", "")),
              ElementsAre("5:17 error cluster.talosVersion: \"1.11\" is not a Talos version "
                          "(write vMAJOR.MINOR.PATCH, e.g. v1.13.9)"));
  EXPECT_THAT(briefs(load_versions("v1.11.6", "latest")),
              ElementsAre("6:22 error cluster.kubernetesVersion: \"latest\" is not a Kubernetes "
                          "version (write MAJOR.MINOR.PATCH, e.g. 1.34.1)"));
}

TEST(SpecVersions, RefusesKubernetesOutsideTheTalosWindow) {
  EXPECT_THAT(briefs(load_versions("v1.11.6", "1.35.0")),
              ElementsAre("6:22 error cluster.kubernetesVersion: Kubernetes 1.35.0 is not "
                          "supported by Talos v1.11 (it accepts 1.29.0 … 1.34.x) (use Kubernetes "
                          "1.34.1 (the release default) or change talosVersion)"));
  EXPECT_THAT(briefs(load_versions("v1.11.6", "1.28.15")),
              ElementsAre("6:22 error cluster.kubernetesVersion: Kubernetes 1.28.15 is not "
                          "supported by Talos v1.11 (it accepts 1.29.0 … 1.34.x) (use Kubernetes "
                          "1.34.1 (the release default) or change talosVersion)"));
}

TEST(SpecVersions, AcceptsBothEndsOfEveryReleaseWindow) {
  for (const TalosRelease& r : talos_releases()) {
    const std::string talos(r.newest_patch);
    EXPECT_TRUE(load_versions(talos, std::string(r.kubernetes_min)).ok()) << talos;
    const std::string max = "1." + std::to_string(r.kubernetes_max_minor) + ".99";
    EXPECT_TRUE(load_versions(talos, max).ok()) << talos << " " << max;
    const std::string above = "1." + std::to_string(r.kubernetes_max_minor + 1) + ".0";
    EXPECT_FALSE(load_versions(talos, above).ok()) << talos << " " << above;
  }
}

TEST(SpecVersions, KnowsV19ToV113) {
  ASSERT_EQ(talos_releases().size(), 5u);
  EXPECT_EQ(oldest_talos_release().minor, 9);
  EXPECT_EQ(newest_talos_release().minor, 13);
  EXPECT_EQ(newest_talos_release().newest_patch, "v1.13.9");
}

}  // namespace
}  // namespace spec
