// Issue #6 criterion 8: no secret material in any log line, NDJSON event or error talforge prints
// while it plans, applies, reports and destroys — at the highest verbosity.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "e2e/lab_support.h"
#include "secrets/base64.h"

namespace e2e {
namespace {

// Every secret value of the bundle, plus the decoded key PEM lines (what a careless log of a
// decoded key would show), plus the client keys talforge wrote to out/.
std::vector<std::string> secret_values(const Lab& lab) {
  std::vector<std::string> out;
  const YAML::Node bundle = YAML::LoadFile(lab.dir() + "/secrets.yaml");
  out.push_back(bundle["cluster"]["secret"].as<std::string>());
  out.push_back(bundle["secrets"]["secretboxencryptionsecret"].as<std::string>());
  out.push_back(bundle["secrets"]["bootstraptoken"].as<std::string>());
  out.push_back(bundle["trustdinfo"]["token"].as<std::string>());
  for (const auto& entry : bundle["certs"]) {
    if (!entry.second["key"]) {
      continue;
    }
    const std::string key = entry.second["key"].as<std::string>();
    out.push_back(key.substr(0, 60));
    const auto pem = secrets::base64_decode(key);
    if (pem) {
      const std::string body = pem->substr(pem->find('\n') + 1, 40);
      out.push_back(body);
    }
  }
  const YAML::Node kubeconfig = YAML::LoadFile(lab.dir() + "/out/kubeconfig");
  out.push_back(kubeconfig["users"][0]["user"]["client-key-data"].as<std::string>().substr(0, 60));
  const YAML::Node talosconfig = YAML::LoadFile(lab.dir() + "/out/talosconfig");
  for (const auto& context : talosconfig["contexts"]) {
    out.push_back(context.second["key"].as<std::string>().substr(0, 60));
  }
  out.push_back(lab.token_secret());
  return out;
}

// Subnet 108 (see apply_test.cc).
TEST(NoSecretsE2e, NothingTalforgePrintsCarriesKeyMaterialOrTokens) {
  Lab lab(108);
  std::vector<testing_process::Run> runs;
  runs.push_back(lab.talforge({"-vv", "plan", "-o", "json"}));
  runs.push_back(lab.talforge({"-vv", "apply", "--yes", "-o", "json"}));
  ASSERT_EQ(runs.back().exit_code, 0) << runs.back().err;
  runs.push_back(lab.talforge({"-vv", "status", "-o", "json"}));
  runs.push_back(lab.talforge({"-vv", "plan"}));
  runs.push_back(lab.talforge({"-vv", "destroy", "--yes", "-o", "json"}));
  const std::vector<std::string> secrets = secret_values(lab);
  ASSERT_GE(secrets.size(), 12u);
  for (const testing_process::Run& run : runs) {
    for (const std::string& secret : secrets) {
      ASSERT_GE(secret.size(), 16u);
      EXPECT_EQ((run.out + run.err).find(secret), std::string::npos)
          << "secret material in talforge's output:\n"
          << run.out << run.err;
    }
  }
}

}  // namespace
}  // namespace e2e
