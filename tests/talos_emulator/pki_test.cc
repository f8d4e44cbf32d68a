#include "emulators/talos/pki.h"

#include <gtest/gtest.h>

namespace talos_emu {
namespace {

TEST(Pki, MaintenanceIdentityIsAChainWithTheNodeAddress) {
  auto identity = make_maintenance_identity("127.10.0.11");
  ASSERT_TRUE(identity.ok()) << identity.error().describe();
  auto info = read_cert_info(identity->cert_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ip_sans, std::vector<std::string>{"127.10.0.11"});
  EXPECT_TRUE(info->server_auth);
  EXPECT_FALSE(info->client_auth);
  EXPECT_NE(identity->cert_pem.find("END CERTIFICATE-----\n-----BEGIN CERTIFICATE"),
            std::string::npos);
}

TEST(Pki, ClientCertCarriesRolesAndClientAuthOnly) {
  auto ca = make_ed25519_ca("talos");
  ASSERT_TRUE(ca.ok()) << ca.error().describe();
  auto client = issue_os_client_cert(*ca, {"os:reader", "os:operator"}, std::chrono::hours(1));
  ASSERT_TRUE(client.ok()) << client.error().describe();
  auto info = read_cert_info(client->cert_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->organizations, (std::vector<std::string>{"os:reader", "os:operator"}));
  EXPECT_TRUE(info->client_auth);
  EXPECT_FALSE(info->server_auth);
  EXPECT_EQ(info->ext_key_usage_count, 1);
  EXPECT_FALSE(info->is_ca);
}

TEST(Pki, TrustdStripsOrganizationAndGrantsServerAuthOnly) {
  auto ca = make_ed25519_ca("talos");
  ASSERT_TRUE(ca.ok());
  auto csr = make_server_csr("127.10.0.21", "w-1", {"w-1.example"});
  ASSERT_TRUE(csr.ok()) << csr.error().describe();
  auto signed_pem = sign_trustd_csr(*ca, csr->cert_pem);
  ASSERT_TRUE(signed_pem.ok()) << signed_pem.error().describe();
  auto info = read_cert_info(*signed_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->organizations.empty());
  EXPECT_TRUE(info->server_auth);
  EXPECT_FALSE(info->client_auth);
  EXPECT_EQ(info->ip_sans, std::vector<std::string>{"127.10.0.21"});
  EXPECT_EQ(info->common_name, "w-1");
}

TEST(Pki, TrustdRejectsGarbage) {
  auto ca = make_ed25519_ca("talos");
  ASSERT_TRUE(ca.ok());
  auto r = sign_trustd_csr(*ca, "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::InvalidInput);
}

TEST(Pki, ApidServerCertHasIpSanAndServerAuth) {
  auto ca = make_ed25519_ca("talos");
  ASSERT_TRUE(ca.ok());
  auto cert = issue_apid_server_cert(*ca, "127.10.0.11", "cp-1", {"127.10.0.100"});
  ASSERT_TRUE(cert.ok()) << cert.error().describe();
  auto info = read_cert_info(cert->cert_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ip_sans, (std::vector<std::string>{"127.10.0.11", "127.10.0.100"}));
  EXPECT_EQ(info->dns_sans, std::vector<std::string>{"cp-1"});
  EXPECT_TRUE(info->server_auth);
  EXPECT_FALSE(info->client_auth);
}

TEST(Pki, AdminKubeconfigCertIsSystemMasters) {
  auto ca = make_ed25519_ca("kubernetes");
  ASSERT_TRUE(ca.ok());
  auto cert = issue_admin_kube_client_cert(*ca, std::chrono::hours(24 * 365));
  ASSERT_TRUE(cert.ok()) << cert.error().describe();
  auto info = read_cert_info(cert->cert_pem);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->common_name, "admin");
  EXPECT_EQ(info->organizations, std::vector<std::string>{"system:masters"});
  EXPECT_TRUE(info->client_auth);
  EXPECT_NE(cert->key_pem.find("EC PRIVATE KEY"), std::string::npos);
  auto server = issue_kube_apiserver_cert(*ca, {"127.10.0.11"});
  ASSERT_TRUE(server.ok()) << server.error().describe();
}

TEST(Pki, AcceptsTalosEd25519KeyLabel) {
  auto ca = make_ed25519_ca("talos");
  ASSERT_TRUE(ca.ok());
  CertAndKey talos_style = *ca;
  const std::string from = "PRIVATE KEY-----", to = "ED25519 PRIVATE KEY-----";
  for (size_t at = talos_style.key_pem.find(from); at != std::string::npos;
       at = talos_style.key_pem.find(from, at + to.size())) {
    talos_style.key_pem.replace(at, from.size(), to);
  }
  ASSERT_NE(talos_style.key_pem.find("BEGIN ED25519 PRIVATE KEY"), std::string::npos);
  EXPECT_TRUE(issue_os_client_cert(talos_style, {"os:admin"}, std::chrono::hours(1)).ok());
}

}  // namespace
}  // namespace talos_emu
