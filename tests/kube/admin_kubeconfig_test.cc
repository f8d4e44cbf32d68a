// The admin kubeconfig talforge itself writes (engine::local_admin_kubeconfig, from the secrets
// bundle's Kubernetes CA) drives kube::Api against an API server whose certificate that CA
// signed, through the server override (the endpoint in the kubeconfig is a VIP not up yet).
#include "engine/admin_kubeconfig.h"

#include <gtest/gtest.h>

#include "kube_client_fixture.h"
#include "secrets/bundle.h"
#include "spec/cluster.h"

namespace kube_test {
namespace {

TEST_F(KubeClientTest, TalforgesOwnAdminKubeconfigReachesTheApiThroughTheOverride) {
  const auto now = std::chrono::system_clock::now();
  // Contract v1.6: same Kubernetes CA as later ones, but an ECDSA service-account key instead
  // of RSA-4096, whose generation would take seconds.
  auto bundle = secrets::generate_bundle(secrets::ContractVersion{1, 6}, now);
  ASSERT_TRUE(bundle.ok()) << bundle.error().describe();
  auto k8s_ca = secrets::decode_cert_and_key(bundle->certs.k8s, "certs.k8s");
  ASSERT_TRUE(k8s_ca.ok()) << k8s_ca.error().describe();
  server_->stop();
  ca_ = Pem{k8s_ca->crt, k8s_ca->key.reveal()};
  server_cert_ = make_server_cert(ca_, "IP:" + address_);
  start_server();
  add_cluster(true);

  spec::Cluster cluster;
  cluster.name = "lab";
  cluster.endpoint = "127.10.120.7";
  cluster.endpoint_port = 6443;
  auto text = engine::local_admin_kubeconfig(cluster, *bundle, now);
  ASSERT_TRUE(text.ok()) << text.error().describe();
  auto config = kube::parse_kubeconfig(text->reveal(), "admin kubeconfig");
  ASSERT_TRUE(config.ok()) << config.error().describe();
  EXPECT_EQ(config->server, "https://127.10.120.7:6443");
  EXPECT_EQ(config->context, "admin@lab");

  kube::Connection connection{*config, server_url()};
  connection.connect_timeout = std::chrono::seconds(2);
  auto api = kube::make_api(std::move(connection));
  ASSERT_TRUE(api.ok()) << api.error().describe();
  auto nodes = (*api)->list_nodes();
  ASSERT_TRUE(nodes.ok()) << nodes.error().describe();
  EXPECT_EQ(nodes->size(), 3u);
  ASSERT_TRUE((*api)->cordon("w2").ok());
  EXPECT_TRUE(state_->node_unschedulable("w2"));
}

}  // namespace
}  // namespace kube_test
