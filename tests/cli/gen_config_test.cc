// `talforge gen config` end to end with the real binary: every example cluster, every supported
// Talos version, schema validity, file modes, determinism, and nothing written on bad input.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sys/stat.h>
#include <sys/wait.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "process.h"
#include "secrets/bundle.h"
#include "secrets/talosconfig.h"
#include "test_paths.h"
#include "util/file.h"
#include "unique_dir.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const char* const kReferenceBundle = "reference/talos/gen-config-inputs/secrets.yaml";

// A fresh directory holding examples/<name>.yaml as cluster.yaml (with its patches) and the
// reference secrets bundle as secrets.yaml.
std::string workdir_with_example(const std::string& name, const std::string& talos = "",
                                 const std::string& k8s = "") {
  const std::string dir = testing_paths::unique_dir("gencfg");
  std::string text = *util::read_file(testing_paths::source("examples/" + name + ".yaml"));
  if (!talos.empty()) {
    text = std::regex_replace(text, std::regex("talosVersion: .*"), "talosVersion: " + talos);
    text =
        std::regex_replace(text, std::regex("kubernetesVersion: .*"), "kubernetesVersion: " + k8s);
  }
  std::ofstream(dir + "/cluster.yaml") << text;
  if (fs::exists(testing_paths::source("examples/patches"))) {
    fs::copy(testing_paths::source("examples/patches"), dir + "/patches",
             fs::copy_options::recursive);
  }
  fs::copy_file(testing_paths::shared(kReferenceBundle), dir + "/secrets.yaml");
  return dir;
}

int schema_check(const std::string& schema_version, const std::string& out_dir) {
  std::string cmd =
      "/usr/bin/python3 " + testing_paths::source("tests/tools/validate_talos_config.py") + " " +
      testing_paths::shared("reference/talos/" + schema_version + "/config.schema.json");
  for (const auto& entry : fs::directory_iterator(out_dir)) {
    if (entry.path().extension() == ".yaml") {
      cmd += " " + entry.path().string();
    }
  }
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Every examples/*.yaml, so a new example is covered without touching this test.
std::vector<std::string> example_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(testing_paths::source("examples"))) {
    if (entry.path().extension() == ".yaml") {
      names.push_back(entry.path().stem().string());
    }
  }
  std::sort(names.begin(), names.end());
  EXPECT_GE(names.size(), 2u);
  return names;
}

struct VersionCase {
  const char* schema;
  const char* talos;
  const char* kubernetes;
};

void PrintTo(const VersionCase& v, std::ostream* os) {
  *os << v.talos;
}

class GenConfigExamples : public ::testing::TestWithParam<VersionCase> {};

TEST_P(GenConfigExamples, EveryExampleGivesSchemaValidConfigs) {
  const VersionCase v = GetParam();
  for (const std::string& example : example_names()) {
    const std::string dir = workdir_with_example(example, v.talos, v.kubernetes);
    const testing_process::Run r =
        testing_process::talforge({"gen", "config", "-f", "cluster.yaml", "--out", "out"}, dir);
    ASSERT_EQ(r.exit_code, 0) << example << " " << v.talos << "\n" << r.err;
    EXPECT_EQ(schema_check(v.schema, dir + "/out"), 0) << example << " " << v.talos;
  }
}

INSTANTIATE_TEST_SUITE_P(Versions, GenConfigExamples,
                         ::testing::Values(VersionCase{"v1.9", "v1.9.6", "1.32.4"},
                                           VersionCase{"v1.10", "v1.10.9", "1.33.6"},
                                           VersionCase{"v1.11", "v1.11.6", "1.34.1"},
                                           VersionCase{"v1.12", "v1.12.11", "1.35.4"},
                                           VersionCase{"v1.13", "v1.13.9", "1.36.3"}),
                         [](const auto& info) {
                           std::string n = info.param.schema;
                           std::replace(n.begin(), n.end(), '.', '_');
                           return n;
                         });

TEST(GenConfig, WritesEveryNodeAndTalosconfigWithMode0600AndSameBytesTwice) {
  const std::string dir = workdir_with_example("homelab");
  ASSERT_EQ(testing_process::talforge({"gen", "config", "--out", "a"}, dir).exit_code, 0);
  ASSERT_EQ(testing_process::talforge({"gen", "config", "--out", "b"}, dir).exit_code, 0);
  for (const char* node : {"cp-1", "cp-2", "cp-3", "worker-1", "worker-2"}) {
    const std::string a = dir + "/a/" + node + ".yaml";
    struct stat st {};
    ASSERT_EQ(::stat(a.c_str(), &st), 0) << a;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << a;
    EXPECT_EQ(*util::read_file(a), *util::read_file(dir + "/b/" + node + ".yaml")) << node;
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/a/talosconfig").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(GenConfig, TalosconfigNamesClusterTargetsControlPlanesAndHoldsAnAdminCertOfTheOsCa) {
  const std::string dir = workdir_with_example("homelab");
  ASSERT_EQ(testing_process::talforge({"gen", "config", "--out", "out"}, dir).exit_code, 0);
  auto config =
      secrets::parse_talosconfig(*util::read_file(dir + "/out/talosconfig"), "talosconfig");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  ASSERT_NE(config->current(), nullptr);
  const secrets::TalosconfigContext& ctx = *config->current();
  EXPECT_EQ(config->context, "homelab");
  EXPECT_EQ(ctx.endpoints, (std::vector<std::string>{"127.10.0.11", "127.10.0.12", "127.10.0.13"}));
  std::ofstream(dir + "/ca.pem") << ctx.ca;
  std::ofstream(dir + "/client.pem") << ctx.crt;
  const std::string verify = "openssl verify -CAfile " + dir + "/ca.pem " + dir + "/client.pem";
  const testing_process::Run v = testing_process::run({"/bin/sh", "-c", verify});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  const testing_process::Run subject =
      testing_process::run({"openssl", "x509", "-noout", "-subject", "-in", dir + "/client.pem"});
  EXPECT_THAT(subject.out, HasSubstr("O = os:admin"));
}

TEST(GenConfig, InvalidClusterFileWritesNothingAndExitsOne) {
  const std::string dir = workdir_with_example("homelab");
  std::ofstream(dir + "/cluster.yaml", std::ios::app) << "bogusKey: 1\n";
  const testing_process::Run r = testing_process::talforge({"gen", "config", "--out", "out"}, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cluster.yaml:"));
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

TEST(GenConfig, MissingBundleIsAnErrorThatSaysHowToCreateOneAndCreatesNothing) {
  const std::string dir = workdir_with_example("homelab");
  fs::remove(dir + "/secrets.yaml");
  const testing_process::Run r = testing_process::talforge({"gen", "config", "--out", "out"}, dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("secrets.yaml does not exist"));
  EXPECT_THAT(r.err, HasSubstr("talforge gen secrets -o"));
  EXPECT_FALSE(fs::exists(dir + "/secrets.yaml"));
  EXPECT_FALSE(fs::exists(dir + "/out"));
}

TEST(GenConfig, PrintsNoSecretValues) {
  const std::string dir = workdir_with_example("homelab");
  const testing_process::Run r = testing_process::talforge({"gen", "config", "--out", "out"}, dir);
  ASSERT_EQ(r.exit_code, 0);
  auto bundle = secrets::load_bundle(dir + "/secrets.yaml");
  ASSERT_TRUE(bundle.ok());
  for (const std::string& secret :
       {bundle->cluster_secret.reveal(), bundle->bootstrap_token.reveal(),
        bundle->trustd_token.reveal(), bundle->certs.os.key.reveal().substr(60, 40),
        bundle->certs.k8s.key.reveal().substr(60, 40),
        bundle->certs.etcd.key.reveal().substr(60, 40)}) {
    EXPECT_THAT(r.out + r.err, Not(HasSubstr(secret)));
  }
}

}  // namespace
