// The API server over HTTPS with a plain HTTP client: TLS rules, health, version, discovery,
// Status errors, the watch stream and 503 on lost quorum.
#include <httplib.h>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "kube_emulator/kube_fixture.h"

namespace kube_test {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class ApiServer : public KubeFixture {
 protected:
  // A client presenting `client` (nullptr = no client certificate), trusting the cluster CA.
  std::unique_ptr<httplib::SSLClient> client(const Pem* client_pem) {
    auto cli = std::make_unique<httplib::SSLClient>(address_, server_->port());
    X509_STORE* store = X509_STORE_new();
    BIO* bio = BIO_new_mem_buf(ca_.crt.data(), static_cast<int>(ca_.crt.size()));
    X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    X509_STORE_add_cert(store, ca);
    X509_free(ca);
    BIO_free(bio);
    cli->set_ca_cert_store(store);
    cli->enable_server_certificate_verification(true);
    if (client_pem != nullptr) {
      SSL_CTX* ctx = cli->ssl_context();
      BIO* cb = BIO_new_mem_buf(client_pem->crt.data(), static_cast<int>(client_pem->crt.size()));
      X509* cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
      BIO_free(cb);
      BIO* kb = BIO_new_mem_buf(client_pem->key.data(), static_cast<int>(client_pem->key.size()));
      EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
      BIO_free(kb);
      SSL_CTX_use_certificate(ctx, cert);
      SSL_CTX_use_PrivateKey(ctx, key);
      X509_free(cert);
      EVP_PKEY_free(key);
    }
    cli->set_read_timeout(5, 0);
    return cli;
  }
};

TEST_F(ApiServer, RefusesHandshakeWithoutClientCertificate) {
  auto cli = client(nullptr);
  const auto res = cli->Get("/version");
  EXPECT_FALSE(res) << "status " << (res ? res->status : 0);
}

TEST_F(ApiServer, ServesVersionAndHealth) {
  auto cli = client(&admin_);
  auto res = cli->Get("/version?timeout=5s");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json v = json::parse(res->body);
  EXPECT_EQ(v["major"], "1");
  EXPECT_EQ(v["minor"], "34");
  EXPECT_EQ(v["gitVersion"], "v1.34.1");
  for (const char* path : {"/healthz", "/readyz", "/livez"}) {
    res = cli->Get(path);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 200) << path;
    EXPECT_EQ(res->body, "ok") << path;
  }
}

TEST_F(ApiServer, AggregatedDiscoveryUsesItsExactContentType) {
  auto cli = client(&admin_);
  const auto res =
      cli->Get("/api", {{"Accept",
                         "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                         "application/json"}});
  ASSERT_TRUE(res);
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
  const json body = json::parse(res->body);
  EXPECT_EQ(body["items"][0]["metadata"]["name"], "");
  const auto legacy = cli->Get("/api/v1");
  ASSERT_TRUE(legacy);
  EXPECT_THAT(legacy->body, HasSubstr("\"name\":\"pods/eviction\""));
}

TEST_F(ApiServer, MissingObjectIsNotFoundStatus) {
  auto cli = client(&admin_);
  const auto res = cli->Get("/api/v1/nodes/nope");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  const json status = json::parse(res->body);
  EXPECT_EQ(status["kind"], "Status");
  EXPECT_EQ(status["reason"], "NotFound");
  EXPECT_EQ(status["message"], "nodes \"nope\" not found");
  EXPECT_EQ(status["details"]["name"], "nope");
  EXPECT_EQ(status["code"], 404);
  const auto unknown = cli->Get("/apis/nope/v1/things");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
}

TEST_F(ApiServer, AnswersUnavailableWhenQuorumIsLost) {
  auto cli = client(&admin_);
  state_->set_available(false);
  auto res = cli->Get("/api/v1/nodes");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body)["reason"], "ServiceUnavailable");
  res = cli->Get("/livez");
  EXPECT_EQ(res->status, 200);
  res = cli->Get("/readyz");
  EXPECT_EQ(res->status, 500);
  state_->set_available(true);
  res = cli->Get("/api/v1/nodes");
  EXPECT_EQ(res->status, 200);
}

TEST_F(ApiServer, WatchStreamsModifiedNodeAndEndsAtTimeout) {
  add_cluster(false);
  auto cli = client(&admin_);
  const std::string list_body = cli->Get("/api/v1/nodes?fieldSelector=metadata.name%3Dw1")->body;
  const std::string rv = json::parse(list_body)["metadata"]["resourceVersion"];
  std::thread flip([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    state_->set_cni_running(true);
  });
  std::string stream;
  const auto started = std::chrono::steady_clock::now();
  const auto res = cli->Get("/api/v1/nodes?fieldSelector=metadata.name%3Dw1&resourceVersion=" + rv +
                                "&timeoutSeconds=2&watch=true",
                            [&](const char* data, size_t n) {
                              stream.append(data, n);
                              return true;
                            });
  flip.join();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  std::vector<json> events;
  std::istringstream lines(stream);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) {
      events.push_back(json::parse(line));
    }
  }
  ASSERT_FALSE(events.empty()) << stream;
  for (const json& e : events) {
    EXPECT_EQ(e["object"]["metadata"]["name"], "w1");  // the selector applies to the stream
  }
  EXPECT_EQ(events.back()["type"], "MODIFIED");
  bool ready = false;
  for (const json& c : events.back()["object"]["status"]["conditions"]) {
    ready = ready || (c["type"] == "Ready" && c["status"] == "True");
  }
  EXPECT_TRUE(ready);
}

TEST_F(ApiServer, WatchFromForgottenVersionGetsExpiredError) {
  const json cm = {{"metadata", {{"name", "churn"}}}, {"data", {{"n", "0"}}}};
  ASSERT_TRUE(state_->create("configmaps", "default", cm).ok());
  for (int i = 1; i <= 1500; ++i) {
    ASSERT_TRUE(state_
                    ->patch("configmaps", "default", "churn",
                            {{"data", {{"n", std::to_string(i)}}}}, kube_emu::PatchKind::MergePatch)
                    .ok());
  }
  auto cli = client(&admin_);
  const auto res = cli->Get("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=101");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  const json event = json::parse(res->body);
  EXPECT_EQ(event["type"], "ERROR");
  EXPECT_EQ(event["object"]["code"], 410);
  EXPECT_EQ(event["object"]["reason"], "Expired");
}

TEST_F(ApiServer, ProtobufBodiesAreRefusedWith415) {
  auto cli = client(&admin_);
  const auto res = cli->Post("/api/v1/namespaces/default/configmaps", std::string("k8s\0x", 5),
                             "application/vnd.kubernetes.protobuf");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_EQ(json::parse(res->body)["reason"], "UnsupportedMediaType");
}

TEST_F(ApiServer, StopEndsOpenWatchesPromptly) {
  auto cli = client(&admin_);
  std::thread watcher([&] {
    cli->Get("/api/v1/nodes?watch=true&timeoutSeconds=60",
             [](const char*, size_t) { return true; });
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto started = std::chrono::steady_clock::now();
  server_->stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

}  // namespace
}  // namespace kube_test
