// The server name the secure client checks: the endpoint's IP against the cert's IP SANs (how
// Talos certs are made, talos.md §1.2), or tls_server_name when the address is not among them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "talos/api.h"
#include "talos/fake_talos.h"
#include "talos/test_certs.h"

namespace {

using talos_test::FakeTalos;
using talos_test::ServerMode;
using ::testing::HasSubstr;

struct NamedOnly {
  talos_test::Pem ca = talos_test::make_ca("talos");
  talos_test::Pem server = talos_test::make_server_cert(ca, "DNS:node-1,IP:127.0.0.2");
  talos_test::Pem admin = talos_test::make_client_cert(ca, {"os:admin"});
};

talos::ConnectOptions options_for(const NamedOnly& pki, const std::string& endpoint) {
  talos::ConnectOptions o;
  o.endpoint = endpoint;
  o.credentials = {pki.ca.crt, pki.admin.crt, pki.admin.key};
  o.retry.max_attempts = 1;
  o.call_timeout = std::chrono::milliseconds(5000);
  return o;
}

TEST(TalosServerName, RefusesACertWithoutTheDialledAddress) {
  const NamedOnly pki;
  FakeTalos node(ServerMode::Secure, pki.server, pki.ca.crt);
  auto api = talos::make_grpc_api(options_for(pki, node.endpoint()));
  ASSERT_TRUE(api.ok());
  auto version = (*api)->version();
  ASSERT_FALSE(version.ok());
  EXPECT_EQ(version.error().code, util::ErrorCode::Unavailable);
  EXPECT_EQ(node.seen().calls["Version"], 0);
}

TEST(TalosServerName, AcceptsTheCertUnderTheOverriddenName) {
  const NamedOnly pki;
  FakeTalos node(ServerMode::Secure, pki.server, pki.ca.crt);
  auto options = options_for(pki, node.endpoint());
  options.tls_server_name = "node-1";
  auto api = talos::make_grpc_api(options);
  ASSERT_TRUE(api.ok());
  auto version = (*api)->version();
  EXPECT_TRUE(version.ok()) << version.error().describe();
}

}  // namespace
