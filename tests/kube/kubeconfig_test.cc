// kube::parse_kubeconfig: the current context's server and base64 PEM material; clear errors
// that never quote a key.
#include "kube/kubeconfig.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// base64 of "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n" and of a fake key.
constexpr const char* kCertB64 =
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClgKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
constexpr const char* kKeyB64 =
    "LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0tClNFQ1JFVAotLS0tLUVORCBFQyBQUklWQVRFIEtFWS0tLS0tCg==";

std::string kubeconfig(const std::string& server, const std::string& key_field) {
  return "apiVersion: v1\nkind: Config\nclusters:\n"
         "- name: other\n  cluster: {server: 'https://127.10.121.2:6443', "
         "certificate-authority-data: " +
         std::string(kCertB64) +
         "}\n"
         "- name: lab\n  cluster:\n    server: " +
         server + "\n    certificate-authority-data: " + kCertB64 +
         "\nusers:\n- name: admin@lab\n  user:\n    client-certificate-data: " + kCertB64 +
         "\n    " + key_field +
         "\ncontexts:\n- name: admin@lab\n  context: {cluster: lab, user: admin@lab, namespace: "
         "default}\ncurrent-context: admin@lab\n";
}

TEST(KubeKubeconfig, ReadsTheCurrentContextsServerAndPem) {
  auto config = kube::parse_kubeconfig(
      kubeconfig("https://127.10.121.1:6443/", std::string("client-key-data: ") + kKeyB64), "kc");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://127.10.121.1:6443");
  EXPECT_EQ(config->context, "admin@lab");
  EXPECT_EQ(config->ca_pem, "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n");
  EXPECT_EQ(config->client_cert_pem, config->ca_pem);
  EXPECT_EQ(config->client_key_pem,
            "-----BEGIN EC PRIVATE KEY-----\nSECRET\n-----END EC PRIVATE KEY-----\n");
}

TEST(KubeKubeconfig, RejectsAKeyThatIsNotBase64WithoutQuotingIt) {
  auto config = kube::parse_kubeconfig(
      kubeconfig("https://127.10.121.1:6443", "client-key-data: SECRET-KEY-TEXT!"), "kc");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().code, util::ErrorCode::InvalidInput);
  EXPECT_THAT(config.error().message, HasSubstr("user \"admin@lab\".client-key-data"));
  EXPECT_THAT(config.error().describe(), Not(HasSubstr("SECRET")));
}

TEST(KubeKubeconfig, SaysFilePathFormsAreNotSupported) {
  auto config = kube::parse_kubeconfig(
      kubeconfig("https://127.10.121.1:6443", "client-key: /tmp/admin.key"), "kc");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.error().message, HasSubstr("has no client-key-data"));
  EXPECT_THAT(config.error().message, HasSubstr("client-key as a file path is not supported"));
}

TEST(KubeKubeconfig, RequiresHttpsAndAKnownContext) {
  auto plain = kube::parse_kubeconfig(
      kubeconfig("http://127.10.121.1:8080", std::string("client-key-data: ") + kKeyB64), "kc");
  ASSERT_FALSE(plain.ok());
  EXPECT_THAT(plain.error().message, HasSubstr("must be https://"));
  auto no_context = kube::parse_kubeconfig("apiVersion: v1\nkind: Config\n", "kc");
  ASSERT_FALSE(no_context.ok());
  EXPECT_THAT(no_context.error().message, HasSubstr("kc: no current-context"));
  auto broken = kube::parse_kubeconfig("clusters: [", "kc");
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(broken.error().message, HasSubstr("kc: invalid YAML"));
}

}  // namespace
