// kube::Api's connection: TLS trust from the kubeconfig, the client certificate, the server
// override, and how transport and HTTP failures are classified.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_client_fixture.h"
#include "util/file.h"

namespace kube_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

void expect_no_key_material(const util::Error& error) {
  EXPECT_THAT(error.describe(), Not(HasSubstr("PRIVATE KEY")));
  EXPECT_THAT(error.hint, Not(HasSubstr("PRIVATE KEY")));
}

TEST_F(KubeClientTest, UnavailableApiServerIsUnavailableNamingTheCall) {
  add_cluster(true);
  auto api = client();
  ASSERT_TRUE(api);
  state_->set_available(false);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT(nodes.error().message,
              HasSubstr("Kubernetes API at " + server_url() + " unavailable"));
  EXPECT_THAT(nodes.error().message, HasSubstr("GET /api/v1/nodes"));
  EXPECT_THAT(nodes.error().message, HasSubstr("HTTP 503"));
  state_->set_available(true);
  EXPECT_TRUE(api->list_nodes().ok());
}

TEST_F(KubeClientTest, RefusedConnectionIsUnavailable) {
  auto api = client("", "https://127.10.120.9:1");
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::Unavailable);
  EXPECT_THAT(nodes.error().message,
              HasSubstr("Kubernetes API at https://127.10.120.9:1 unavailable"));
  EXPECT_THAT(nodes.error().message, HasSubstr("GET /api/v1/nodes"));
}

TEST_F(KubeClientTest, ServerOverrideReachesTheControlPlaneWhenTheKubeconfigServerIsDown) {
  add_cluster(true);
  // The kubeconfig names an address nobody serves (a VIP not up yet); the certificate carries
  // the control plane's own address, which the override uses.
  const std::string path = dir_ + "/vip-kubeconfig";
  std::string text = *util::read_file(kubeconfig_);
  const std::string real = server_url();
  text.replace(text.find(real), real.size(), "https://127.10.120.5:6443");
  ASSERT_TRUE(util::write_file_atomic(path, text, util::kSecretFileMode).ok());
  auto via_vip = client(path);
  ASSERT_TRUE(via_vip);
  EXPECT_EQ(via_vip->list_nodes().error().code, util::ErrorCode::Unavailable);
  auto direct = client(path, real);
  ASSERT_TRUE(direct);
  auto nodes = direct->list_nodes();
  ASSERT_TRUE(nodes.ok()) << nodes.error().describe();
  EXPECT_EQ(nodes->size(), 3u);
}

TEST_F(KubeClientTest, ServerCertificateFromAnotherCaIsATlsError) {
  add_cluster(true);
  const Pem other_ca = make_ca("kubernetes");
  const std::string path = write_kubeconfig("wrong-ca", admin_, other_ca.crt);
  auto api = client(path);
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(nodes.error().message, HasSubstr("TLS"));
  EXPECT_THAT(nodes.error().message, HasSubstr("kubeconfig's CA does not vouch for"));
  EXPECT_THAT(nodes.error().message, HasSubstr(server_url()));
  expect_no_key_material(nodes.error());
}

TEST_F(KubeClientTest, ServerAddressOutsideTheCertificateIsATlsError) {
  add_cluster(true);
  // Right CA, but the serving certificate's only IP SAN is not the address we dial.
  server_->stop();
  server_cert_ = make_server_cert(ca_, "IP:127.10.120.99");
  start_server();
  kubeconfig_ = write_kubeconfig("kubeconfig", admin_, ca_.crt);
  auto api = client();
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(nodes.error().message, HasSubstr("TLS"));
}

TEST_F(KubeClientTest, ClientCertificateFromAnotherCaIsRefused) {
  add_cluster(true);
  const Pem other_ca = make_ca("kubernetes");
  const Pem stranger = make_client_cert(other_ca, "admin", {"system:masters"});
  const std::string path = write_kubeconfig("stranger", stranger, ca_.crt);
  auto api = client(path);
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::PermissionDenied) << nodes.error().describe();
  EXPECT_THAT(nodes.error().message, HasSubstr("client certificate"));
  expect_no_key_material(nodes.error());
}

TEST_F(KubeClientTest, UserOutsideSystemMastersIsPermissionDenied) {
  add_cluster(true);
  const Pem viewer = make_client_cert(ca_, "viewer", {"viewers"});
  auto api = client(write_kubeconfig("viewer", viewer, ca_.crt));
  ASSERT_TRUE(api);
  auto nodes = api->list_nodes();
  ASSERT_FALSE(nodes.ok());
  EXPECT_EQ(nodes.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_THAT(nodes.error().message, HasSubstr("GET /api/v1/nodes"));
  EXPECT_THAT(nodes.error().message, HasSubstr("HTTP 403"));
  auto cordon = api->cordon("w1");
  ASSERT_FALSE(cordon.ok());
  EXPECT_EQ(cordon.error().code, util::ErrorCode::PermissionDenied);
  EXPECT_FALSE(state_->node_unschedulable("w1"));
}

}  // namespace
}  // namespace kube_test
