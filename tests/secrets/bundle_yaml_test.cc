// secrets.yaml reading and writing: byte-exact round trip, and corrupt files reported field by
// field without ever quoting a secret.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "secrets/bundle.h"
#include "support.h"
#include "util/yaml_emit.h"
#include "util/yaml_load.h"

namespace secrets {
namespace {

using ::testing::HasSubstr;
using testing_support::reference_bundle_text;
using util::Tree;

TEST(BundleYaml, RoundTripsTheTalosctlReferenceByteForByte) {
  const std::string text = reference_bundle_text();
  util::Result<Bundle> bundle = parse_bundle(text, "secrets.yaml");
  ASSERT_TRUE(bundle.ok()) << bundle.error().describe();
  EXPECT_EQ(render_bundle(*bundle).reveal(), text);
}

TEST(BundleYaml, ReadsEveryFieldOfTheReference) {
  const Bundle b = testing_support::reference_bundle();
  EXPECT_EQ(b.cluster_id, "0raF93qnkMvF-FZNuvyGozXNdLiT2FOWSlyBaW4PR-w=");
  EXPECT_EQ(b.cluster_secret.reveal(), "pofHbABZq7VXuObsdLdy/bHmz6hlMHZ3p8+6WKrv1ic=");
  EXPECT_EQ(b.bootstrap_token.reveal(), "inn7ol.u4ehnti8qyls9ymo");
  ASSERT_TRUE(b.secretbox_encryption_secret.has_value());
  EXPECT_EQ(b.secretbox_encryption_secret->reveal(),
            "45yd2Ke+sytiICojDf8aibTfgt99nzJmO53cjDqrCto=");
  EXPECT_FALSE(b.aescbc_encryption_secret.has_value());
  EXPECT_EQ(b.trustd_token.reveal(), "d8cwfa.eyvpi0xwxyarbfid");
  EXPECT_EQ(b.leading_comments,
            "# test set of secrets for config generation, please never use in production\n");
  EXPECT_TRUE(
      testing_support::decode64(b.certs.os.crt).starts_with("-----BEGIN CERTIFICATE-----\n"));
  EXPECT_TRUE(testing_support::decode64(b.certs.os.key.reveal())
                  .starts_with("-----BEGIN ED25519 PRIVATE KEY-----\n"));
  EXPECT_TRUE(testing_support::decode64(b.certs.k8s_service_account.key.reveal())
                  .starts_with("-----BEGIN EC PRIVATE KEY-----\n"));
}

TEST(BundleYaml, KeepsLeadingCommentsAndBlankLinesVerbatim) {
  const std::string body = reference_bundle_text().substr(reference_bundle_text().find("cluster:"));
  const std::string text = "# mine\n\n  # indented note\n" + body;
  util::Result<Bundle> bundle = parse_bundle(text, "secrets.yaml");
  ASSERT_TRUE(bundle.ok()) << bundle.error().describe();
  EXPECT_EQ(bundle->leading_comments, "# mine\n\n  # indented note\n");
  EXPECT_EQ(render_bundle(*bundle).reveal(), text);
}

TEST(BundleYaml, WritesAescbcBeforeSecretboxAndOmitsTheUnsetOne) {
  Bundle b = testing_support::reference_bundle();
  b.leading_comments.clear();
  b.secretbox_encryption_secret.reset();
  b.aescbc_encryption_secret = Secret("YWVzY2JjLWtleS0zMi1ieXRlcy1sb25nLi4uLi4uLi4=");
  const std::string text = render_bundle(b).reveal();
  EXPECT_THAT(text, HasSubstr("secrets:\n    bootstraptoken: inn7ol.u4ehnti8qyls9ymo\n"
                              "    aescbcencryptionsecret: "
                              "YWVzY2JjLWtleS0zMi1ieXRlcy1sb25nLi4uLi4uLi4=\ntrustdinfo:\n"));
  EXPECT_TRUE(text.starts_with("cluster:\n    id: 0raF93qnkMvF-FZNuvyGozXNdLiT2FOWSlyBaW4PR-w=\n"));
}

TEST(BundleLoad, NamesAMissingFileInTheError) {
  util::Result<Bundle> b = load_bundle("/nonexistent/secrets.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(b.error().message, HasSubstr("/nonexistent/secrets.yaml"));
}

// --- corrupt bundles -------------------------------------------------------------------------

Tree reference_tree() {
  return *util::load_yaml(reference_bundle_text(), "reference");
}

// Parses `tree` as secrets.yaml and returns the error message ("" when it parsed).
std::string error_of(const Tree& tree) {
  util::Result<Bundle> b = parse_bundle(util::emit_yaml(tree), "secrets.yaml");
  return b.ok() ? "" : b.error().message;
}

std::string pem_b64(const std::string& pem) {
  return base64_encode(pem);
}

TEST(BundleValidate, ReportsAMissingKeyByItsPath) {
  Tree t = reference_tree();
  t["certs"]["os"].erase("key");
  EXPECT_EQ(error_of(t), "secrets.yaml: certs.os.key: missing");
}

TEST(BundleValidate, ReportsAnEmptyValueAsMissing) {
  Tree t = reference_tree();
  t["trustdinfo"]["token"] = "";
  EXPECT_EQ(error_of(t), "secrets.yaml: trustdinfo.token: missing");
}

TEST(BundleValidate, ReportsAMissingSectionOnceNotPerField) {
  Tree t = reference_tree();
  t.erase("certs");
  EXPECT_EQ(error_of(t), "secrets.yaml: certs: missing");
}

TEST(BundleValidate, ReportsBadBase64) {
  Tree t = reference_tree();
  t["certs"]["os"]["key"] = "not*base64!";
  EXPECT_EQ(error_of(t), "secrets.yaml: certs.os.key: not valid base64");
}

TEST(BundleValidate, ReportsACertificateFieldHoldingAKey) {
  Tree t = reference_tree();
  t["certs"]["os"]["crt"] = t["certs"]["os"]["key"];
  EXPECT_EQ(error_of(t),
            "secrets.yaml: certs.os.crt: expected a CERTIFICATE PEM block, found \"ED25519 "
            "PRIVATE KEY\"");
}

TEST(BundleValidate, ReportsAKeyFieldHoldingACertificate) {
  Tree t = reference_tree();
  t["certs"]["etcd"]["key"] = t["certs"]["etcd"]["crt"];
  EXPECT_EQ(error_of(t),
            "secrets.yaml: certs.etcd.key: unsupported key type \"CERTIFICATE\" (expected RSA "
            "PRIVATE KEY, EC PRIVATE KEY, ED25519 PRIVATE KEY or PRIVATE KEY)");
}

TEST(BundleValidate, ReportsAKeyOfTheWrongKindForItsLabel) {
  Tree t = reference_tree();
  std::string pem = testing_support::decode64(t["certs"]["etcd"]["key"]);
  pem.replace(pem.find("EC PRIVATE KEY"), 14, "RSA PRIVATE KEY");
  pem.replace(pem.rfind("EC PRIVATE KEY"), 14, "RSA PRIVATE KEY");
  t["certs"]["etcd"]["key"] = pem_b64(pem);
  EXPECT_EQ(error_of(t), "secrets.yaml: certs.etcd.key: not a valid RSA private key (PKCS#1)");
}

TEST(BundleValidate, ReportsTextThatIsNotPem) {
  Tree t = reference_tree();
  t["certs"]["k8s"]["crt"] = pem_b64("hello world\n");
  EXPECT_EQ(error_of(t), "secrets.yaml: certs.k8s.crt: no valid PEM block found");
}

TEST(BundleValidate, ReportsACertificateThatDoesNotParse) {
  Tree t = reference_tree();
  t["certs"]["k8s"]["crt"] =
      pem_b64("-----BEGIN CERTIFICATE-----\nMAMCAQA=\n-----END CERTIFICATE-----\n");
  EXPECT_THAT(error_of(t), HasSubstr("secrets.yaml: certs.k8s.crt: not a valid X.509 certificate"));
}

TEST(BundleValidate, ReportsAKeyThatDoesNotMatchItsCertificate) {
  Tree t = reference_tree();
  t["certs"]["k8s"]["key"] = t["certs"]["etcd"]["key"];
  EXPECT_EQ(error_of(t),
            "secrets.yaml: certs.k8s.key: does not belong to the certificate in certs.k8s.crt");
}

TEST(BundleValidate, ReportsABadServiceAccountKey) {
  Tree t = reference_tree();
  t["certs"]["k8sserviceaccount"]["key"] = t["certs"]["os"]["crt"];
  EXPECT_THAT(error_of(t),
              HasSubstr("secrets.yaml: certs.k8sserviceaccount.key: unsupported key type"));
}

TEST(BundleValidate, RequiresExactlyOneEncryptionSecret) {
  Tree none = reference_tree();
  none["secrets"].erase("secretboxencryptionsecret");
  EXPECT_EQ(error_of(none),
            "secrets.yaml: secrets.secretboxencryptionsecret: missing (or "
            "secrets.aescbcencryptionsecret, in bundles for Talos v1.2 and older)");
  Tree both = reference_tree();
  both["secrets"]["aescbcencryptionsecret"] = both["secrets"]["secretboxencryptionsecret"];
  EXPECT_EQ(error_of(both),
            "secrets.yaml: secrets.aescbcencryptionsecret: only one of "
            "secrets.secretboxencryptionsecret and secrets.aescbcencryptionsecret may be set");
}

TEST(BundleValidate, ChecksTheEncryptionSecretLength) {
  Tree t = reference_tree();
  t["secrets"]["secretboxencryptionsecret"] = base64_encode("sixteen-byte-key");
  EXPECT_EQ(error_of(t),
            "secrets.yaml: secrets.secretboxencryptionsecret: decodes to 16 bytes, expected 32");
}

TEST(BundleValidate, ChecksTheBootstrapTokenShape) {
  Tree t = reference_tree();
  t["secrets"]["bootstraptoken"] = "INN7OL.u4ehnti8qyls9ymo";
  EXPECT_EQ(error_of(t),
            "secrets.yaml: secrets.bootstraptoken: not a token of the form "
            "[a-z0-9]{6}.[a-z0-9]{16}");
}

TEST(BundleValidate, ReportsNonStringScalarsAndNonMappings) {
  Tree t = reference_tree();
  t["cluster"]["id"] = 42;
  t["trustdinfo"] = "token";
  EXPECT_EQ(error_of(t),
            "secrets.yaml: cluster.id: expected a string\n"
            "secrets.yaml: trustdinfo: expected a mapping");
}

TEST(BundleValidate, CollectsEveryProblemInFileOrder) {
  Tree t = reference_tree();
  t["cluster"].erase("id");
  t["certs"]["os"]["key"] = "%%%";
  t["certs"]["k8s"]["key"] = t["certs"]["etcd"]["key"];
  util::Result<Bundle> b = parse_bundle(util::emit_yaml(t), "secrets.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, util::ErrorCode::InvalidInput);
  EXPECT_EQ(b.error().message,
            "secrets.yaml: cluster.id: missing\n"
            "secrets.yaml: certs.k8s.key: does not belong to the certificate in certs.k8s.crt\n"
            "secrets.yaml: certs.os.key: not valid base64");
  EXPECT_EQ(b.error().hint, "the secrets bundle is damaged; restore it from your backup");
}

TEST(BundleValidate, ReportsAnEmptyDocument) {
  util::Result<Bundle> b = parse_bundle("", "secrets.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "secrets.yaml: (document): expected a mapping");
}

TEST(BundleValidate, ReportsInvalidYamlWithItsPlace) {
  util::Result<Bundle> b = parse_bundle("cluster: [\n", "secrets.yaml");
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(b.error().message, HasSubstr("secrets.yaml:"));
  EXPECT_THAT(b.error().message, HasSubstr("invalid YAML"));
}

// Every secret string of the reference bundle, plus the lines of each decoded private key.
std::vector<std::string> reference_secret_values() {
  const Tree t = reference_tree();
  std::vector<std::string> values = {t["cluster"]["secret"], t["secrets"]["bootstraptoken"],
                                     t["secrets"]["secretboxencryptionsecret"],
                                     t["trustdinfo"]["token"]};
  values.push_back(std::string(t["secrets"]["bootstraptoken"]).substr(7));
  values.push_back(std::string(t["trustdinfo"]["token"]).substr(7));
  for (const char* entry : {"etcd", "k8s", "k8saggregator", "k8sserviceaccount", "os"}) {
    const std::string key_b64 = t["certs"][entry]["key"];
    values.push_back(key_b64.substr(40, 40));  // any stretch of the base64 text
    const std::string pem = testing_support::decode64(key_b64);
    size_t start = pem.find('\n') + 1;
    for (size_t nl = pem.find('\n', start); nl != std::string::npos && pem[start] != '-';
         start = nl + 1, nl = pem.find('\n', start)) {
      values.push_back(pem.substr(start, std::min<size_t>(nl - start, 24)));
    }
  }
  return values;
}

TEST(BundleValidate, NeverQuotesASecretInAnErrorOrHint) {
  std::vector<Tree> corrupt;
  const Tree ref = reference_tree();
  for (const char* entry : {"etcd", "k8s", "k8saggregator", "os"}) {
    Tree swapped = ref;  // each key under the wrong certificate, and under the crt field
    swapped["certs"][entry]["key"] =
        ref["certs"][std::string(entry) == "os" ? "etcd" : "os"]["key"];
    swapped["certs"][entry]["crt"] = ref["certs"][entry]["key"];
    corrupt.push_back(swapped);
    Tree truncated = ref;
    const std::string key = ref["certs"][entry]["key"];
    truncated["certs"][entry]["key"] = key.substr(0, key.size() / 2);
    corrupt.push_back(truncated);
    Tree relabelled = ref;
    std::string pem = testing_support::decode64(key);
    pem.replace(pem.find("PRIVATE KEY"), 11, "PUBLIC KEY");
    relabelled["certs"][entry]["key"] = pem_b64(pem);
    corrupt.push_back(relabelled);
  }
  Tree tokens = ref;
  tokens["secrets"]["bootstraptoken"] = std::string(ref["secrets"]["bootstraptoken"]) + "x";
  tokens["cluster"]["secret"] = std::string(ref["cluster"]["secret"]) + "!";
  tokens["secrets"]["secretboxencryptionsecret"] =
      std::string(ref["secrets"]["secretboxencryptionsecret"]).substr(4);
  corrupt.push_back(tokens);

  const std::vector<std::string> secrets_list = reference_secret_values();
  for (const Tree& t : corrupt) {
    util::Result<Bundle> b = parse_bundle(util::emit_yaml(t), "secrets.yaml");
    ASSERT_FALSE(b.ok());
    const std::string shown = b.error().describe() + "\n" + b.error().hint;
    for (const std::string& s : secrets_list) {
      EXPECT_THAT(shown, ::testing::Not(HasSubstr(s))) << "error text: " << shown;
    }
  }
}

}  // namespace
}  // namespace secrets
