// kube::Api::apply_object (server-side apply) and get_pod against the Kubernetes API emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_client_fixture.h"

namespace kube_test {
namespace {

using ::testing::HasSubstr;

TEST_F(KubeClientTest, ApplyObjectCreatesThenUpdatesNamespacedAndClusterScopedKinds) {
  add_cluster(/*cni_running=*/true);
  auto api = client();
  ASSERT_TRUE(api);
  nlohmann::json account = {{"apiVersion", "v1"},
                            {"kind", "ServiceAccount"},
                            {"metadata", {{"name", "installer"}, {"namespace", "kube-system"}}}};
  ASSERT_TRUE(api->apply_object(account, "talos").ok());
  nlohmann::json binding = {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", "installer"}}},
      {"roleRef", {{"apiGroup", "rbac.authorization.k8s.io"}, {"kind", "ClusterRole"},
                   {"name", "cluster-admin"}}}};
  ASSERT_TRUE(api->apply_object(binding, "talos").ok());
  nlohmann::json config = {{"apiVersion", "v1"},
                           {"kind", "ConfigMap"},
                           {"metadata", {{"name", "settings"}}},
                           {"data", {{"mode", "a"}}}};
  ASSERT_TRUE(api->apply_object(config, "talos").ok());
  config["data"]["mode"] = "b";
  ASSERT_TRUE(api->apply_object(config, "talos").ok()) << "a second apply updates";
  const util::Result<std::map<std::string, std::string>> read = api->get_config_map("default", "settings");
  ASSERT_TRUE(read.ok()) << read.error().describe();
  EXPECT_EQ(read->at("mode"), "b");
  EXPECT_EQ(api->get_config_map("default", "nope").error().code, util::ErrorCode::NotFound);

  const util::Result<nlohmann::json> stored = state_->get("configmaps", "default", "settings");
  ASSERT_TRUE(stored.ok()) << "no namespace in the object: the default namespace";
  EXPECT_EQ((*stored)["data"]["mode"], "b");
  EXPECT_TRUE(state_->get("serviceaccounts", "kube-system", "installer").ok());
  const util::Result<nlohmann::json> bound = state_->get("clusterrolebindings", "", "installer");
  ASSERT_TRUE(bound.ok());
  EXPECT_EQ((*bound)["roleRef"]["name"], "cluster-admin");
}

TEST_F(KubeClientTest, ApplyObjectNamesWhatIsMissing) {
  add_cluster(/*cni_running=*/true);
  auto api = client();
  ASSERT_TRUE(api);
  util::Result<void> r = api->apply_object({{"apiVersion", "v1"}, {"kind", "ConfigMap"}}, "talos");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::InvalidInput);
  EXPECT_THAT(r.error().message, HasSubstr("metadata.name"));
  r = api->apply_object(
      {{"apiVersion", "v1"}, {"kind", "Teapot"}, {"metadata", {{"name", "x"}}}}, "talos");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::NotFound);
  EXPECT_THAT(r.error().message, HasSubstr("no kind Teapot in v1"));
}

TEST_F(KubeClientTest, GetPodReportsImagesAndReadiness) {
  add_cluster(/*cni_running=*/true);
  auto api = client();
  ASSERT_TRUE(api);
  util::Result<kube::PodInfo> pod = api->get_pod("kube-system", "kube-apiserver-cp1");
  ASSERT_TRUE(pod.ok()) << pod.error().describe();
  ASSERT_EQ(pod->images.size(), 1u);
  EXPECT_EQ(pod->images[0], "registry.k8s.io/kube-apiserver:v1.34.1");
  EXPECT_TRUE(pod->ready);
  EXPECT_EQ(pod->phase, "Running");
  EXPECT_EQ(api->get_pod("kube-system", "nope").error().code, util::ErrorCode::NotFound);
}

}  // namespace
}  // namespace kube_test
