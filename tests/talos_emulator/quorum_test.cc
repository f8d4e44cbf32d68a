// Quorum loss (issue #4 "quorum modelled"): two of three control planes powered off through the
// admin API leave the survivor's etcd without a leader and its Kubernetes API answering 503;
// powering one back on restores both.
#include <httplib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <openssl/pem.h>
#include <yaml-cpp/yaml.h>

#include "emulators/talos/admin_api.h"
#include "secrets/base64.h"
#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {
namespace {

// GET `path` on the node's Kubernetes API (:6443) with the admin kubeconfig's client cert,
// trusting its CA. Returns the HTTP status, 0 when no answer.
int kube_get(const std::string& address, const std::string& kubeconfig, const std::string& path) {
  auto doc = YAML::Load(kubeconfig);
  auto field = [](const YAML::Node& node) {
    return secrets::base64_decode(node.as<std::string>()).value_or("");
  };
  const std::string ca = field(doc["clusters"][0]["cluster"]["certificate-authority-data"]);
  const std::string crt = field(doc["users"][0]["user"]["client-certificate-data"]);
  const std::string key = field(doc["users"][0]["user"]["client-key-data"]);
  BIO* cb = BIO_new_mem_buf(crt.data(), static_cast<int>(crt.size()));
  X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  httplib::SSLClient client(address, 6443, cert, pkey);
  X509_free(cert);
  EVP_PKEY_free(pkey);
  X509_STORE* store = X509_STORE_new();
  BIO* ab = BIO_new_mem_buf(ca.data(), static_cast<int>(ca.size()));
  while (X509* c = PEM_read_bio_X509(ab, nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, c);
    X509_free(c);
  }
  BIO_free(ab);
  client.set_ca_cert_store(store);
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(2);
  auto reply = client.Get(path.c_str());
  return reply ? reply->status : 0;
}

TEST(Quorum, TwoOfThreeControlPlanesDownMakesTheKubernetesApiUnavailable) {
  talos_emu::Emulator emulator(fast_options());
  auto admin = talos_emu::AdminApi::start(emulator, "127.0.0.1", 0);
  ASSERT_TRUE(admin.ok()) << admin.error().describe();
  httplib::Client http((*admin)->url());
  GeneratedCluster cluster = generate_cluster(57, 3, 0);
  ASSERT_FALSE(::testing::Test::HasFailure());
  bring_up_cluster(emulator, cluster);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  const std::string survivor = cluster.node("cp-1").address;
  auto api = secure_client(survivor, cluster.admin);
  auto kubeconfig = api->kubeconfig();
  ASSERT_TRUE(kubeconfig.ok()) << kubeconfig.error().describe();
  const std::string& kc = kubeconfig->kubeconfig;

  ASSERT_EQ(kube_get(survivor, kc, "/api/v1/nodes"), 200);
  auto healthy = api->etcd_status();
  ASSERT_TRUE(healthy.ok()) << healthy.error().describe();
  EXPECT_TRUE(healthy->errors.empty());
  EXPECT_NE(healthy->leader, 0u);

  // One down: 2 of 3 members still form a majority.
  auto off2 =
      http.Post("/v1/nodes/" + cluster.node("cp-2").address + "/power-off", "", "application/json");
  ASSERT_TRUE(off2 && off2->status == 200) << (off2 ? off2->body : "no answer");
  EXPECT_EQ(kube_get(survivor, kc, "/api/v1/nodes"), 200);
  auto off3 =
      http.Post("/v1/nodes/" + cluster.node("cp-3").address + "/power-off", "", "application/json");
  ASSERT_TRUE(off3 && off3->status == 200) << (off3 ? off3->body : "no answer");

  // Two down: no quorum. The API server is alive (livez) but serves nothing.
  EXPECT_EQ(kube_get(survivor, kc, "/api/v1/nodes"), 503);
  EXPECT_EQ(kube_get(survivor, kc, "/livez"), 200);
  EXPECT_NE(kube_get(survivor, kc, "/readyz"), 200);
  auto lost = api->etcd_status();
  ASSERT_TRUE(lost.ok()) << lost.error().describe();
  ASSERT_FALSE(lost->errors.empty());
  EXPECT_NE(lost->errors.front().find("no leader"), std::string::npos) << lost->errors.front();
  EXPECT_EQ(lost->leader, 0u);
  auto counters = http.Get("/v1/counters");
  ASSERT_TRUE(counters && counters->status == 200);
  EXPECT_EQ(nlohmann::json::parse(counters->body)["quorum_losses"], 1);

  // cp-2 boots again from its disk and rejoins: quorum and the API come back.
  auto on2 = http.Post("/v1/nodes",
                       nlohmann::json{{"address", cluster.node("cp-2").address},
                                      {"uuid", "6a1f0000-0000-4000-8000-000000000002"}}
                           .dump(),
                       "application/json");
  ASSERT_TRUE(on2 && on2->status == 201) << (on2 ? on2->body : "no answer");
  EXPECT_TRUE(wait_until([&] { return kube_get(survivor, kc, "/api/v1/nodes") == 200; }))
      << describe(emulator, cluster.node("cp-2").address);
  auto back = api->etcd_status();
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_TRUE(back->errors.empty());
}

}  // namespace
}  // namespace talos_emu_test
