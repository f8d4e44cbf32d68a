#include "talos/kubernetes_components.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace talos {
namespace {

using ::testing::HasSubstr;

const char* const kConfig = R"(version: v1alpha1
machine:
  type: controlplane
  kubelet:
    image: ghcr.io/siderolabs/kubelet:v1.34.1
cluster:
  apiServer:
    image: registry.k8s.io/kube-apiserver:v1.34.1
  scheduler:
    image: registry.k8s.io/kube-scheduler:v1.34.1
---
apiVersion: v1alpha1
kind: HostnameConfig
hostname: cp-1
)";

TEST(KubernetesComponents, ImagesAreReadFromTheMainDocument) {
  EXPECT_EQ(component_image(kConfig, KubernetesComponent::Kubelet),
            "ghcr.io/siderolabs/kubelet:v1.34.1");
  EXPECT_EQ(component_image(kConfig, KubernetesComponent::ApiServer),
            "registry.k8s.io/kube-apiserver:v1.34.1");
  EXPECT_EQ(component_image(kConfig, KubernetesComponent::ControllerManager), "");
  EXPECT_EQ(component_image("not: [yaml", KubernetesComponent::Kubelet), "");
}

TEST(KubernetesComponents, OneImageChangesAndEverythingElseStays) {
  const util::Result<std::string> changed = with_component_image(
      kConfig, KubernetesComponent::ApiServer, "registry.k8s.io/kube-apiserver:v1.35.4");
  ASSERT_TRUE(changed.ok()) << changed.error().describe();
  EXPECT_EQ(component_image(*changed, KubernetesComponent::ApiServer),
            "registry.k8s.io/kube-apiserver:v1.35.4");
  EXPECT_EQ(component_image(*changed, KubernetesComponent::Scheduler),
            "registry.k8s.io/kube-scheduler:v1.34.1");
  EXPECT_EQ(component_image(*changed, KubernetesComponent::Kubelet),
            "ghcr.io/siderolabs/kubelet:v1.34.1");
  EXPECT_THAT(*changed, HasSubstr("kind: HostnameConfig"));
  EXPECT_THAT(*changed, HasSubstr("hostname: cp-1"));
  // A component the config did not name gets its path created.
  const util::Result<std::string> added = with_component_image(
      kConfig, KubernetesComponent::ControllerManager, "registry.k8s.io/kube-controller-manager:v1.35.4");
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(component_image(*added, KubernetesComponent::ControllerManager),
            "registry.k8s.io/kube-controller-manager:v1.35.4");
}

TEST(KubernetesComponents, AConfigWithoutItsMainDocumentIsRefused) {
  const util::Result<std::string> r = with_component_image(
      "apiVersion: v1alpha1\nkind: HostnameConfig\nhostname: a\n", KubernetesComponent::Kubelet,
      "x:v1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::InvalidInput);
}

TEST(KubernetesComponents, ImageTagsIgnoreDigestsAndRegistryPorts) {
  EXPECT_EQ(image_tag("registry.k8s.io/kube-apiserver:v1.35.4"), "v1.35.4");
  EXPECT_EQ(image_tag("mirror.local:5000/kubelet:v1.35.4@sha256:abc"), "v1.35.4");
  EXPECT_EQ(image_tag("mirror.local:5000/kubelet"), "");
}

TEST(KubernetesComponents, NamesAreTheStaticPodPrefixes) {
  EXPECT_STREQ(component_name(KubernetesComponent::ApiServer), "kube-apiserver");
  EXPECT_STREQ(component_name(KubernetesComponent::ControllerManager), "kube-controller-manager");
  EXPECT_STREQ(component_name(KubernetesComponent::Kubelet), "kubelet");
}

}  // namespace
}  // namespace talos
