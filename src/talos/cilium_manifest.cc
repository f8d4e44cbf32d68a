// Builds the Cilium install Job as Kubernetes objects, emitted as one YAML stream.
#include "talos/cilium_manifest.h"

#include <fmt/format.h>

#include "util/yaml_emit.h"

namespace talos {
namespace {

using util::Tree;

constexpr const char* kName = "cilium-install";
constexpr const char* kNamespace = "kube-system";
constexpr const char* kCliImage = "quay.io/cilium/cilium-cli:latest";

Tree service_account() {
  return {{"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata", {{"name", kName}, {"namespace", kNamespace}}}};
}

Tree cluster_role_binding() {
  return {
      {"apiVersion", "rbac.authorization.k8s.io/v1"},
      {"kind", "ClusterRoleBinding"},
      {"metadata", {{"name", kName}}},
      {"roleRef",
       {{"apiGroup", "rbac.authorization.k8s.io"},
        {"kind", "ClusterRole"},
        {"name", "cluster-admin"}}},
      {"subjects",
       Tree::array({{{"kind", "ServiceAccount"}, {"name", kName}, {"namespace", kNamespace}}})}};
}

std::string install_command(const std::string& version) {
  return fmt::format(
      "cilium install --version {} "
      "--set ipam.mode=kubernetes "
      "--set kubeProxyReplacement=true "
      "--set securityContext.capabilities.ciliumAgent="
      "{{CHOWN,KILL,NET_ADMIN,NET_RAW,IPC_LOCK,SYS_ADMIN,SYS_RESOURCE,DAC_OVERRIDE,FOWNER,SETGID,"
      "SETUID}} "
      "--set securityContext.capabilities.cleanCiliumState={{NET_ADMIN,SYS_ADMIN,SYS_RESOURCE}} "
      "--set cgroup.autoMount.enabled=false "
      "--set cgroup.hostRoot=/sys/fs/cgroup "
      "--set k8sServiceHost=localhost "
      "--set k8sServicePort=7445",
      version);
}

Tree install_container(const std::string& version) {
  Tree env = Tree::array(
      {{{"name", "KUBERNETES_SERVICE_HOST"},
        {"valueFrom", {{"fieldRef", {{"apiVersion", "v1"}, {"fieldPath", "status.podIP"}}}}}},
       {{"name", "KUBERNETES_SERVICE_PORT"}, {"value", "6443"}}});
  return {{"name", "cilium-install"},
          {"image", kCliImage},
          {"env", env},
          {"command", Tree::array({"/bin/sh", "-c", install_command(version)})}};
}

Tree install_job(const std::string& version) {
  Tree affinity = {
      {"nodeAffinity",
       {{"requiredDuringSchedulingIgnoredDuringExecution",
         {{"nodeSelectorTerms",
           Tree::array({{{"matchExpressions",
                          Tree::array({{{"key", "node-role.kubernetes.io/control-plane"},
                                        {"operator", "Exists"}}})}}})}}}}}};
  Tree pod_spec = {
      {"restartPolicy", "OnFailure"}, {"tolerations", Tree::array({{{"operator", "Exists"}}})},
      {"affinity", affinity},         {"hostNetwork", true},
      {"serviceAccountName", kName},  {"containers", Tree::array({install_container(version)})}};
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"metadata", {{"name", kName}, {"namespace", kNamespace}}},
          {"spec",
           {{"backoffLimit", 10},
            {"template", {{"metadata", {{"labels", {{"app", kName}}}}}, {"spec", pod_spec}}}}}};
}

}  // namespace

std::string cilium_install_job_manifest(const std::string& cilium_version) {
  return util::emit_yaml_stream(
      {service_account(), cluster_role_binding(), install_job(cilium_version)});
}

}  // namespace talos
