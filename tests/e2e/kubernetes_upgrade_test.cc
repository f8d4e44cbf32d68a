// Kubernetes upgrades (issue #7, talos.md §9.2): a one-line change of kubernetesVersion moves
// each component on one node at a time — the API servers, controller managers and schedulers of
// every control plane, kube-proxy, then every kubelet — without a reboot; versions outside the
// Talos window or more than one minor ahead are refused by `plan` before anything changes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "e2e/lab_support.h"
#include "process.h"

namespace e2e {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using ::testing::Not;

void replace_in_cluster_yaml(Lab& lab, const std::string& pattern, const std::string& with) {
  const std::string path = lab.dir() + "/cluster.yaml";
  const std::string text = testing_process::slurp(path);
  const std::string changed = std::regex_replace(text, std::regex(pattern), with);
  ASSERT_NE(changed, text) << pattern << " is not in cluster.yaml";
  std::ofstream(path) << changed;
}

void set_kubernetes_version(Lab& lab, const std::string& version) {
  replace_in_cluster_yaml(lab, "kubernetesVersion: [0-9.]+", "kubernetesVersion: " + version);
}

std::string kubectl_jsonpath(Lab& lab, const std::vector<std::string>& what,
                             const std::string& jsonpath) {
  std::vector<std::string> args = what;
  args.push_back("-o");
  args.push_back("jsonpath=" + jsonpath);
  const auto run = lab.kubectl("https://" + lab.address(11) + ":6443", args);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

// "target component" of each kubernetes.upgrade step in an NDJSON stream, in start order, and
// whether any two of them overlapped.
struct Steps {
  std::vector<std::string> started;
  bool overlapped = false;
};

Steps kubernetes_steps(const std::string& ndjson) {
  Steps out;
  std::istringstream in(ndjson);
  std::string line;
  int open = 0;
  while (std::getline(in, line)) {
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (event.is_discarded() || event.value("step", "") != "kubernetes.upgrade") {
      continue;
    }
    if (event["state"] == "started") {
      out.overlapped = out.overlapped || open > 0;
      ++open;
    } else if (event["state"] == "done") {
      --open;
      out.started.push_back(event["target"].get<std::string>() + " " +
                            event["message"].get<std::string>().substr(
                                0, event["message"].get<std::string>().find(' ')));
    }
  }
  return out;
}

// Subnet 131: Talos v1.12.11 accepts Kubernetes 1.30–1.35; the lab starts on 1.34.1.
TEST(KubernetesUpgradeE2e, OneMinorUpMovesEachComponentOneNodeAtATime) {
  Lab lab(131);
  replace_in_cluster_yaml(lab, "talosVersion: v[0-9.]+", "talosVersion: v1.12.11");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const nlohmann::json before = lab.talos_counters();

  set_kubernetes_version(lab, "1.35.4");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2) << plan.err;
  EXPECT_THAT(plan.out, HasSubstr("~ kubernetes      cp-1"));
  EXPECT_THAT(plan.out, HasSubstr("~ kubernetes      worker-2"));
  EXPECT_THAT(plan.out, HasSubstr("1.34.1 → 1.35.4"));
  EXPECT_THAT(plan.out, Not(HasSubstr("machine-config"))) << "the configs follow the components";

  const auto apply = lab.talforge({"apply", "--yes", "-o", "json"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  const Steps steps = kubernetes_steps(apply.out);
  EXPECT_FALSE(steps.overlapped) << "one component on one node at a time";
  EXPECT_THAT(steps.started,
              ElementsAreArray({"cp-1 kube-apiserver", "cp-2 kube-apiserver", "cp-3 kube-apiserver",
                                "cp-1 kube-controller-manager", "cp-2 kube-controller-manager",
                                "cp-3 kube-controller-manager", "cp-1 kube-scheduler",
                                "cp-2 kube-scheduler", "cp-3 kube-scheduler", "cp-1 kube-proxy",
                                "cp-2 kube-proxy", "cp-3 kube-proxy", "cp-1 kubelet", "cp-2 kubelet",
                                "cp-3 kubelet", "worker-1 kubelet", "worker-2 kubelet"}));

  EXPECT_EQ(kubectl_jsonpath(lab, {"get", "nodes"}, "{.items[*].status.nodeInfo.kubeletVersion}"),
            "v1.35.4 v1.35.4 v1.35.4 v1.35.4 v1.35.4");
  // Then the inline manifests (the Cilium install) go in server-side: Talos never updates them.
  EXPECT_THAT(apply.out, HasSubstr("\"3 object(s) of the inline manifests applied server-side\""));
  EXPECT_EQ(kubectl_jsonpath(lab, {"get", "serviceaccount", "-n", "kube-system", "cilium-install"},
                             "{.metadata.name}"),
            "cilium-install");
  EXPECT_EQ(kubectl_jsonpath(lab, {"get", "clusterrolebinding", "cilium-install"},
                             "{.roleRef.name}"),
            "cluster-admin");
  const std::string images = kubectl_jsonpath(lab, {"get", "pods", "-n", "kube-system", "-l",
                                                    "tier=control-plane"},
                                              "{.items[*].spec.containers[0].image}");
  EXPECT_THAT(images, HasSubstr("registry.k8s.io/kube-apiserver:v1.35.4"));
  EXPECT_THAT(images, HasSubstr("registry.k8s.io/kube-scheduler:v1.35.4"));
  EXPECT_THAT(images, Not(HasSubstr("v1.34.1")));
  const nlohmann::json after = lab.talos_counters();
  EXPECT_EQ(after["reboots"], before["reboots"]) << "a Kubernetes upgrade reboots nothing";
  EXPECT_EQ(after["upgrades"], before["upgrades"]);
  EXPECT_EQ(after["quorum_losses"], 0);
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

// Subnet 132: on Talos v1.13.9 (Kubernetes 1.31–1.36) from 1.34.1, nothing outside the window,
// more than one minor up, or older is attempted; plan says why and the nodes are untouched.
TEST(KubernetesUpgradeE2e, VersionsOutsideTheWindowOrTwoMinorsAheadAreRefusedAtPlan) {
  Lab lab(132);
  replace_in_cluster_yaml(lab, "talosVersion: v[0-9.]+", "talosVersion: v1.13.9");
  ASSERT_EQ(lab.talforge({"apply", "--yes"}).exit_code, 0);
  const nlohmann::json applies = lab.talos_counters()["apply_calls"];  // per node address

  set_kubernetes_version(lab, "1.37.0");
  auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_THAT(plan.err, HasSubstr("kubernetesVersion")) << plan.err;
  EXPECT_THAT(plan.err, HasSubstr("1.36")) << "names the window's end: " << plan.err;

  set_kubernetes_version(lab, "1.36.3");
  plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_THAT(plan.out + plan.err, HasSubstr("Kubernetes 1.34.1 → 1.36.3 skips a minor"));
  EXPECT_THAT(plan.out + plan.err, HasSubstr("a 1.35.x release"));
  const auto apply = lab.talforge({"apply", "--yes"});
  EXPECT_NE(apply.exit_code, 0);

  set_kubernetes_version(lab, "1.33.0");
  plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 1);
  EXPECT_THAT(plan.out + plan.err, HasSubstr("cannot downgrade"));

  EXPECT_EQ(lab.talos_counters()["apply_calls"], applies) << "no node got a config";
  EXPECT_EQ(kubectl_jsonpath(lab, {"get", "nodes"}, "{.items[*].status.nodeInfo.kubeletVersion}"),
            "v1.34.1 v1.34.1 v1.34.1 v1.34.1 v1.34.1");
}

// Subnet 136: Talos never updates an inline manifest's existing objects; a new Cilium version in
// cluster.yaml reaches the cluster because talforge applies the manifests server-side, and only
// when they changed since it last did.
TEST(KubernetesUpgradeE2e, AChangedInlineManifestIsAppliedServerSideOnce) {
  Lab lab(136);
  const auto first = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, HasSubstr("object(s) of the inline manifests applied server-side"));
  const std::string job = "{.spec.template.spec.containers[0].command[2]}";
  EXPECT_THAT(kubectl_jsonpath(lab, {"get", "job", "-n", "kube-system", "cilium-install"}, job),
              HasSubstr("--version 1.16.5"));
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0) << "applied once, recorded";

  replace_in_cluster_yaml(lab, "version: 1.16.5", "version: 1.16.6");
  const auto plan = lab.talforge({"plan"});
  EXPECT_EQ(plan.exit_code, 2);
  EXPECT_THAT(plan.out, HasSubstr("> manifests       lab  (changed since talforge last applied "
                                  "them (Talos never updates existing objects))"))
      << plan.out;
  const auto apply = lab.talforge({"apply", "--yes"});
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(kubectl_jsonpath(lab, {"get", "job", "-n", "kube-system", "cilium-install"}, job),
              HasSubstr("--version 1.16.6"));
  EXPECT_EQ(lab.talforge({"plan"}).exit_code, 0);
}

}  // namespace
}  // namespace e2e
