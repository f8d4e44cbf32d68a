#include "plan/config_compare.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace plan {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ConfigCompare, DocumentsAreMatchedByKindAndNameInAnyOrder) {
  const char* a =
      "version: v1alpha1\nmachine:\n  type: controlplane\n---\napiVersion: v1alpha1\nkind: "
      "HostnameConfig\nhostname: cp-1\n";
  const char* b =
      "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: cp-1\n---\nmachine:\n  type: "
      "controlplane\nversion: v1alpha1\n";
  EXPECT_THAT(*config_differences(a, b), IsEmpty());
}

TEST(ConfigCompare, ReportsLeafPathsAndWholeListsAndDocuments) {
  const char* a = "version: v1alpha1\nmachine:\n  install:\n    disk: /dev/sda\n  certSANs: [a]\n";
  const char* b =
      "version: v1alpha1\nmachine:\n  install:\n    disk: /dev/vda\n  certSANs: [a, b]\n---\n"
      "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: w-1\n";
  EXPECT_THAT(*config_differences(a, b),
              ElementsAre("HostnameConfig", "machine.certSANs", "machine.install.disk"));
}

TEST(ConfigCompare, NullAndEmptyEqualAbsent) {
  EXPECT_THAT(*config_differences("machine:\n  a: null\n  b: {}\n  c: []\n", "machine: {}\n"),
              IsEmpty());
}

TEST(ConfigCompare, ScalarTypesMatter) {
  EXPECT_THAT(*config_differences("machine:\n  port: 6443\n", "machine:\n  port: \"6443\"\n"),
              ElementsAre("machine.port"));
}

TEST(ConfigCompare, BrokenYamlIsAnErrorNamingTheSide) {
  util::Result<std::vector<std::string>> r = config_differences("a: [", "a: 1\n");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().describe(), ::testing::HasSubstr("active machine config"));
}

}  // namespace
}  // namespace plan
