// `validate` builds every node's config, so a patch Talos would reject fails at validate time.
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.h"
#include "test_paths.h"
#include "util/file.h"
#include "unique_dir.h"

namespace {

using ::testing::HasSubstr;

std::string dir_with_minimal_plus(const std::string& extra) {
  const std::string dir = testing_paths::unique_dir("valcfg");
  std::ofstream(dir + "/cluster.yaml")
      << *util::read_file(testing_paths::source("examples/minimal.yaml")) << extra;
  return dir;
}

TEST(ValidateConfigs, UnknownKeyInAPatchIsAnErrorNamingNodeAndPatchPlace) {
  const std::string dir = dir_with_minimal_plus(
      "patches:\n  all:\n    - inline: |\n        machine:\n          kubelett: {}\n");
  const testing_process::Run r = testing_process::talforge({"validate"}, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cluster.yaml: error: config for node cp-1: cluster.yaml:"));
  EXPECT_THAT(r.err, HasSubstr("unknown keys found during decoding: machine.kubelett"));
  const testing_process::Run json = testing_process::talforge({"validate", "-o", "json"}, dir);
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_THAT(json.out, HasSubstr("\"valid\": false"));
}

TEST(ValidateConfigs, JsonPatchOnAMultiDocumentConfigIsAnError) {
  const std::string dir = dir_with_minimal_plus(
      "patches:\n  all:\n    - inline: |\n        apiVersion: v1alpha1\n        kind: KmsgLogConfig\n"
      "        name: remote\n        url: udp://127.0.0.1:5000/\n"
      "  controlPlane:\n    - inline: '[{\"op\": \"add\", \"path\": \"/machine/nodeLabels/a\", "
      "\"value\": \"b\"}]'\n");
  const testing_process::Run r = testing_process::talforge({"validate"}, dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("JSON6902 patches are not supported for multi-document"));
}

TEST(ValidateConfigs, ValidPatchesPass) {
  const std::string dir = dir_with_minimal_plus(
      "patches:\n  all:\n    - inline: |\n        machine:\n          sysctls: {a.b: \"1\"}\n");
  const testing_process::Run r = testing_process::talforge({"validate"}, dir);
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

}  // namespace
