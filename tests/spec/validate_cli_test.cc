// `talforge validate` end to end: the real binary on real files.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.h"
#include "support.h"
#include "test_paths.h"

namespace spec {
namespace {

using spec_test::TempDir;
using ::testing::HasSubstr;

size_t entries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir)) {
    ++n;
  }
  return n;
}

TEST(SpecValidateCli, ExitsZeroOnAValidExampleAndSummarisesIt) {
  const std::string file = testing_paths::source("examples/homelab.yaml");
  const testing_process::Run r = testing_process::talforge({"validate", "-f", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, file +
                       ": valid: cluster homelab, Talos v1.11.6, Kubernetes 1.34.1, "
                       "3 control planes, 2 workers\n");
}

TEST(SpecValidateCli, ExitsOneAndPrintsEveryErrorInLineOrderWithLineColumnAndCaret) {
  TempDir dir;
  const std::string file = dir.write(
      "cluster.yaml",
      spec_test::with_lines(
          {{5, "  talosVerison: v1.11.6"},
           {19, "  - {name: cp-2, role: controlplane, address: 127.10.0.11, vmid: 102}"}}));
  const testing_process::Run r = testing_process::talforge({"validate", "-f", file}, dir.path());
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            file +
                ":4:3: error: missing required key \"talosVersion\" in cluster (e.g. "
                "talosVersion: v1.11.6)\n"
                "      name: lab\n"
                "      ^\n" +
                file +
                ":5:3: error: unknown key \"talosVerison\" in cluster (did you mean "
                "\"talosVersion\"?)\n"
                "      talosVerison: v1.11.6\n"
                "      ^\n" +
                file +
                ":19:47: error: address 127.10.0.11 is already used by cp-1 (line 18) (every "
                "node needs its own address)\n"
                "      - {name: cp-2, role: controlplane, address: 127.10.0.11, vmid: 102}\n" +
                std::string(4 + 46, ' ') + "^\n");  // caret under column 47
  EXPECT_EQ(entries(dir.path()), 1u);               // nothing written next to the file
}

TEST(SpecValidateCli, PrintsWarningsAndStillExitsZero) {
  TempDir dir;
  const std::string file =
      dir.write("cluster.yaml", spec_test::with_line(5, "  talosVersion: v1.15.0"));
  const testing_process::Run r = testing_process::talforge({"validate", "-f", file});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr(file + ":5:17: warning: talforge does not know Talos v1.15 yet"));
  EXPECT_THAT(r.out, HasSubstr(": valid: cluster lab, Talos v1.15.0"));
}

TEST(SpecValidateCli, PrintsJsonDiagnosticsOnStdout) {
  TempDir dir;
  const std::string file =
      dir.write("cluster.yaml", spec_test::with_line(10, "  gateway: 127.11.0.1"));
  const testing_process::Run r = testing_process::talforge({"validate", "-f", file, "-o", "json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "");
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j, nlohmann::json::parse(R"({"valid": false, "diagnostics": [{
      "severity": "error", "file": ")" +
                                     file + R"(", "line": 10, "column": 12,
      "path": "network.gateway",
      "message": "127.11.0.1 is outside the node network 127.10.0.0/24",
      "hint": "use an address inside network.cidr, or widen network.cidr"}]})"));
}

TEST(SpecValidateCli, PrintsValidJsonForAValidFile) {
  const testing_process::Run r = testing_process::talforge(
      {"validate", "-f", testing_paths::source("examples/minimal.yaml"), "-o", "json"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(r.out),
            nlohmann::json::parse(R"({"valid":true,"diagnostics":[]})"));
}

TEST(SpecValidateCli, DefaultsToClusterYamlInTheCurrentDirectory) {
  TempDir dir;
  const testing_process::Run missing = testing_process::talforge({"validate"}, dir.path());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err,
            "cluster.yaml: error: cannot read cluster.yaml: No such file or "
            "directory (pass the cluster file with -f PATH)\n");
  dir.write("cluster.yaml", spec_test::kBase);
  EXPECT_EQ(testing_process::talforge({"validate"}, dir.path()).exit_code, 0);
}

TEST(SpecValidateCli, RejectsAnUnknownOutputFormat) {
  const testing_process::Run r = testing_process::talforge({"validate", "-o", "yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("--output"));
}

}  // namespace
}  // namespace spec
