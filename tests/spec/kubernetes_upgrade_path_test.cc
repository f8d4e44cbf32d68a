#include "spec/kubernetes_upgrade_path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace spec {
namespace {

using ::testing::HasSubstr;

Version v(const char* text) { return *parse_version(text); }

TEST(KubernetesUpgradePath, APatchOrTheNextMinorIsAllowed) {
  EXPECT_TRUE(check_kubernetes_upgrade(v("1.34.1"), v("1.34.1")).ok());
  EXPECT_TRUE(check_kubernetes_upgrade(v("1.34.1"), v("1.34.6")).ok());
  EXPECT_TRUE(check_kubernetes_upgrade(v("1.34.1"), v("1.35.0")).ok());
  EXPECT_TRUE(check_kubernetes_upgrade(v("1.34.6"), v("1.35.4")).ok());
}

TEST(KubernetesUpgradePath, ASkippedMinorNamesTheStepInBetween) {
  const util::Result<void> r = check_kubernetes_upgrade(v("1.34.1"), v("1.36.3"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::InvalidInput);
  EXPECT_THAT(r.error().message, HasSubstr("1.34.1 → 1.36.3 skips a minor"));
  EXPECT_THAT(r.error().hint, HasSubstr("a 1.35.x release"));
  EXPECT_FALSE(check_kubernetes_upgrade(v("1.34.1"), v("2.0.0")).ok()) << "another major";
}

TEST(KubernetesUpgradePath, ADowngradeIsRefused) {
  const util::Result<void> r = check_kubernetes_upgrade(v("1.34.1"), v("1.34.0"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("cannot downgrade"));
  EXPECT_THAT(r.error().hint, HasSubstr("1.34.1 or newer"));
}

}  // namespace
}  // namespace spec
