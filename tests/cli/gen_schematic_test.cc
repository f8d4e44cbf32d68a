// `talforge gen schematic` with the real binary: from the cluster file and from a schematic file.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.h"
#include "test_paths.h"
#include "unique_dir.h"

namespace {

using ::testing::HasSubstr;

constexpr const char* kGuestAgentId =
    "ce4c980550dd2ab1b17bbf2b08801c7eb59418eafe8f279833297925d67c7515";

std::string temp_dir() {
  const std::string dir = testing_paths::unique_dir("genschem");
  return dir;
}

TEST(GenSchematic, FromFilePrintsCanonicalYamlAndTheRealFactoryId) {
  const std::string dir = temp_dir();
  std::ofstream(dir + "/s.yaml")
      << "customization:\n  systemExtensions:\n    officialExtensions: [siderolabs/qemu-guest-agent]\n";
  const testing_process::Run r = testing_process::talforge({"gen", "schematic", "--from", "s.yaml"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, std::string("# schematic id: ") + kGuestAgentId +
                       "\ncustomization:\n    systemExtensions:\n        officialExtensions:\n"
                       "            - siderolabs/qemu-guest-agent\n");
  const testing_process::Run json =
      testing_process::talforge({"gen", "schematic", "--from", "s.yaml", "-o", "json"}, dir);
  EXPECT_THAT(json.out, HasSubstr(std::string("\"id\": \"") + kGuestAgentId + "\""));
}

TEST(GenSchematic, FromClusterFileUsesItsSortedExtensions) {
  const std::string dir = temp_dir();
  std::filesystem::copy_file(testing_paths::source("examples/minimal.yaml"), dir + "/cluster.yaml");
  std::ofstream(dir + "/cluster.yaml", std::ios::app)
      << "image:\n  systemExtensions: [siderolabs/qemu-guest-agent]\n";
  const testing_process::Run r = testing_process::talforge({"gen", "schematic"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(kGuestAgentId));
}

TEST(GenSchematic, UnknownFieldIsAnErrorWithExitOne) {
  const std::string dir = temp_dir();
  std::ofstream(dir + "/s.yaml") << "customization:\n  systemExtension: {}\n";
  const testing_process::Run r = testing_process::talforge({"gen", "schematic", "--from", "s.yaml"}, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("s.yaml: unknown field \"systemExtension\" in customization"));
  EXPECT_EQ(r.out, "");
}

}  // namespace
