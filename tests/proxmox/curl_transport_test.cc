#include "proxmox/curl_transport.h"

#include <gtest/gtest.h>

#include <fstream>

#include "proxmox/tls_server.h"

namespace proxmox {
namespace {

using proxmox_test::make_self_signed;
using proxmox_test::SelfSigned;
using proxmox_test::TlsServer;

const char* kSecret = "3f2a8a1e-1c1b-4a56-9d0e-5d6b2f3c4e5a";

Connection connection_to(const TlsServer& server, TlsTrust trust) {
  Connection c;
  c.endpoint = server.endpoint();
  c.token_id = "talforge@pve!ci";
  c.token_secret = TokenSecret(kSecret);
  c.trust = std::move(trust);
  return c;
}

struct Seen {
  std::string authorization, method, path, query_vmid, body;
};

TEST(CurlTransport, PinnedFingerprintConnectsAndSendsTheTokenHeader) {
  const SelfSigned cert = make_self_signed("pve1");
  Seen seen;
  TlsServer server(cert, [&](const httplib::Request& req, httplib::Response& res) {
    seen = {req.get_header_value("Authorization"), req.method, req.path,
            req.get_param_value("vmid"), req.body};
    res.set_content(R"({"data":{"version":"8.2.2","release":"8.2"}})", "application/json");
  });
  auto transport = make_curl_transport(connection_to(server, {.fingerprint = cert.fingerprint}));
  ASSERT_TRUE(transport.ok()) << transport.error().message;
  auto response = (*transport)->send({Method::Get, "/cluster/nextid", {{"vmid", "105"}}});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(seen.authorization, std::string("PVEAPIToken=talforge@pve!ci=") + kSecret);
  EXPECT_EQ(seen.path, "/api2/json/cluster/nextid");
  EXPECT_EQ(seen.query_vmid, "105");
}

TEST(CurlTransport, PostSendsFormEncodedParameters) {
  const SelfSigned cert = make_self_signed("pve1");
  Seen seen;
  TlsServer server(cert, [&](const httplib::Request& req, httplib::Response& res) {
    seen.method = req.method;
    seen.body = req.body;
    res.set_content(R"({"data":null})", "application/json");
  });
  auto transport = make_curl_transport(connection_to(server, {.fingerprint = cert.fingerprint}));
  ASSERT_TRUE(transport.ok());
  auto response = (*transport)->send(
      {Method::Put, "/nodes/pve1/qemu/100/config", {{"net0", "virtio=BC:24:11:00:00:01,bridge=vmbr0"}, {"cores", "2"}}});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(seen.method, "PUT");
  EXPECT_EQ(seen.body, "net0=virtio%3DBC%3A24%3A11%3A00%3A00%3A01%2Cbridge%3Dvmbr0&cores=2");
}

TEST(CurlTransport, WrongFingerprintFailsWithBothFingerprintsAndNoSecret) {
  const SelfSigned cert = make_self_signed("pve1");
  const SelfSigned other = make_self_signed("impostor");
  bool reached = false;
  TlsServer server(cert, [&](const httplib::Request&, httplib::Response& res) {
    reached = true;
    res.set_content(R"({"data":null})", "application/json");
  });
  auto transport = make_curl_transport(connection_to(server, {.fingerprint = other.fingerprint}));
  ASSERT_TRUE(transport.ok());
  auto response = (*transport)->send({Method::Get, "/version", {}});
  ASSERT_FALSE(response.ok());
  EXPECT_FALSE(reached);
  EXPECT_EQ(response.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_NE(response.error().message.find(cert.fingerprint), std::string::npos)
      << response.error().message;
  EXPECT_NE(response.error().message.find(other.fingerprint), std::string::npos);
  EXPECT_EQ(response.error().describe().find(kSecret), std::string::npos);
  EXPECT_EQ(response.error().hint.find(kSecret), std::string::npos);
}

TEST(CurlTransport, CaFileVerifiesTheServerAndTheSystemStoreDoesNot) {
  const SelfSigned cert = make_self_signed("pve1");
  TlsServer server(cert, [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"data":null})", "application/json");
  });
  const std::string ca_file = ::testing::TempDir() + "/pve-root-ca.pem";
  std::ofstream(ca_file) << cert.cert_pem;
  auto with_ca = make_curl_transport(connection_to(server, {.ca_file = ca_file}));
  ASSERT_TRUE(with_ca.ok());
  auto ok = (*with_ca)->send({Method::Get, "/version", {}});
  EXPECT_TRUE(ok.ok()) << ok.error().message;

  auto system_store = make_curl_transport(connection_to(server, {}));
  ASSERT_TRUE(system_store.ok());
  auto refused = (*system_store)->send({Method::Get, "/version", {}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_NE(refused.error().hint.find("fingerprint"), std::string::npos);
}

TEST(CurlTransport, ReasonPhraseOfErrorsIsKept) {
  const SelfSigned cert = make_self_signed("pve1");
  TlsServer server(cert, [&](const httplib::Request&, httplib::Response& res) {
    res.status = 403;
    res.set_content(R"({"data":null})", "application/json");
  });
  auto transport = make_curl_transport(connection_to(server, {.fingerprint = cert.fingerprint}));
  ASSERT_TRUE(transport.ok());
  auto response = (*transport)->send({Method::Post, "/nodes/pve1/qemu", {{"vmid", "105"}}});
  ASSERT_TRUE(response.ok()) << response.error().message;
  EXPECT_EQ(response->status, 403);
  // cpp-httplib 0.11 always sends the standard phrase; what matters is that it is captured.
  EXPECT_EQ(response->reason, "Forbidden");
}

TEST(CurlTransport, UnreachableEndpointIsUnavailable) {
  Connection c;
  c.endpoint = "https://127.0.0.1:1";
  c.token_id = "talforge@pve!ci";
  c.token_secret = TokenSecret(kSecret);
  c.trust.insecure_skip_verify = true;
  auto transport = make_curl_transport(c);
  ASSERT_TRUE(transport.ok());
  auto response = (*transport)->send({Method::Get, "/version", {}});
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(response.error().describe().find(kSecret), std::string::npos);
}

TEST(CurlTransport, UnusableConnectionsAreRefusedUpFront) {
  Connection c;
  c.endpoint = "http://127.0.0.1:8006";
  c.token_id = "a@pve!b";
  c.token_secret = TokenSecret("s");
  EXPECT_FALSE(make_curl_transport(c).ok());
  c.endpoint = "https://127.0.0.1:8006";
  c.trust.fingerprint = "aa:bb";
  EXPECT_FALSE(make_curl_transport(c).ok());
  c.trust.fingerprint.clear();
  c.token_secret = TokenSecret();
  EXPECT_FALSE(make_curl_transport(c).ok());
}

}  // namespace
}  // namespace proxmox
