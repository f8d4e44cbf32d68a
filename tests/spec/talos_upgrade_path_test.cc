#include "spec/talos_upgrade_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace spec {
namespace {

std::vector<std::string> path(const std::string& from, const std::string& to) {
  util::Result<std::vector<Version>> steps =
      talos_upgrade_path(*parse_version(from), *parse_version(to));
  if (!steps.ok()) {
    return {"error: " + steps.error().message};
  }
  std::vector<std::string> out;
  for (const Version& v : *steps) {
    out.push_back("v" + v.str());
  }
  return out;
}

TEST(TalosUpgradePath, APatchOrTheNextMinorIsOneStep) {
  EXPECT_THAT(path("v1.11.2", "v1.11.6"), ::testing::ElementsAre("v1.11.6"));
  EXPECT_THAT(path("v1.11.6", "v1.12.11"), ::testing::ElementsAre("v1.12.11"));
  EXPECT_TRUE(path("v1.12.3", "v1.12.3").empty());
}

TEST(TalosUpgradePath, SeveralMinorsGoThroughTheNewestPatchOfEachMinorBetween) {
  EXPECT_THAT(path("v1.11.6", "v1.13.9"), ::testing::ElementsAre("v1.12.11", "v1.13.9"));
  EXPECT_THAT(path("v1.9.1", "v1.13.2"),
              ::testing::ElementsAre("v1.10.9", "v1.11.6", "v1.12.11", "v1.13.2"));
}

TEST(TalosUpgradePath, DowngradesUnknownReleasesAndTooOldSourcesAreRefused) {
  EXPECT_THAT(path("v1.12.1", "v1.11.6").front(), ::testing::HasSubstr("does not downgrade"));
  EXPECT_THAT(path("v1.13.9", "v1.14.0").front(), ::testing::HasSubstr("talforge knows Talos"));
  EXPECT_THAT(path("v1.7.4", "v1.9.6").front(), ::testing::HasSubstr("passes v1.8"));
  EXPECT_THAT(path("v1.11.6", "v2.0.0").front(), ::testing::HasSubstr("new major"));
}

}  // namespace
}  // namespace spec
