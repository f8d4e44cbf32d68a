// A secret pasted into cluster.yaml by mistake must never be echoed by `validate`.
#include <filesystem>
#include <fstream>
#include <regex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.h"
#include "test_paths.h"
#include "util/file.h"
#include "unique_dir.h"

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSecret = "3f1c2a9e-5b7d-4e21-9c3a-8d6f0b2e4a17";

std::string write_example_with(const std::string& pattern, const std::string& replacement) {
  const std::string dir = testing_paths::unique_dir("valsec");
  std::string text = *util::read_file(testing_paths::source("examples/minimal.yaml"));
  text = std::regex_replace(text, std::regex(pattern), replacement);
  std::ofstream(dir + "/cluster.yaml") << text;
  return dir;
}

void expect_secret_not_echoed(const std::string& dir) {
  for (const char* format : {"text", "json"}) {
    const testing_process::Run r =
        testing_process::talforge({"validate", "-f", "cluster.yaml", "-o", format}, dir);
    EXPECT_EQ(r.exit_code, 1) << format;
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(kSecret))) << format;
    EXPECT_THAT(r.out + r.err, HasSubstr(std::string(format) == "json" ? "\"path\": \"proxmox.token"
                                                                         : "cluster.yaml:1"))
        << format;
  }
}

TEST(ValidateSecrets, TokenSecretPastedAsTokenSecretEnvIsNotEchoed) {
  const std::string dir = write_example_with(
      "  tokenId: talforge@pve!minimal",
      std::string("  tokenId: talforge@pve!minimal\n  tokenSecretEnv: ") + kSecret);
  expect_secret_not_echoed(dir);
}

TEST(ValidateSecrets, WholeTokenPastedAsTokenIdIsNotEchoed) {
  const std::string dir = write_example_with("tokenId: talforge@pve!minimal",
                                             std::string("tokenId: talforge@pve!minimal=") + kSecret);
  expect_secret_not_echoed(dir);
  const testing_process::Run r = testing_process::talforge({"validate"}, dir);
  EXPECT_THAT(r.err, HasSubstr("looks like the whole API token including its secret"));
}

}  // namespace
