// The REAL kubectl against the emulator (issue 4, acceptance criterion 3): the commands of
// kubernetes.md §5, asserting on kubectl's output and exit code and on the emulator's state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "kube_emulator/kube_fixture.h"
#include "util/file.h"

namespace kube_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using Kubectl = KubectlFixture;

std::string describe(const KubectlRun& r) {
  return "exit " + std::to_string(r.exit_code) + (r.timed_out ? " (killed: too slow)" : "") +
         "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

TEST_F(Kubectl, GetNodesWideShowsTalosNodeColumns) {
  add_cluster(true);
  const KubectlRun r = kubectl({"get", "nodes", "-o", "wide"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out,
              HasSubstr("NAME   STATUS   ROLES           AGE   VERSION   INTERNAL-IP   "
                        "EXTERNAL-IP   OS-IMAGE          KERNEL-VERSION   CONTAINER-RUNTIME"));
  EXPECT_THAT(r.out,
              ::testing::ContainsRegex(
                  "cp1 +Ready +control-plane +[0-9]+s +v1\\.34\\.1 +127\\.10\\.0\\.11 +"
                  "<none> +Talos \\(v1\\.11\\.6\\) +6\\.12\\.57-talos +containerd://2\\.1\\.5"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("w2 +Ready +<none> +"));
}

TEST_F(Kubectl, GetNodesShowsNotReadyWithoutCni) {
  add_cluster(false);
  const KubectlRun r = kubectl({"get", "no"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("cp1 +NotReady +control-plane"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("w1 +NotReady +<none>"));
}

TEST_F(Kubectl, GetPodsAllNamespacesListsKubeSystemPods) {
  add_cluster(true);
  const KubectlRun r = kubectl({"get", "pods", "-A", "-o", "wide"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::StartsWith("NAMESPACE     NAME "));
  EXPECT_THAT(
      r.out,
      ::testing::ContainsRegex(
          "kube-system +kube-apiserver-cp1 +1/1 +Running +0 +[0-9]+s +127\\.10\\.0\\.11 +cp1"));
  EXPECT_THAT(r.out, HasSubstr("kube-controller-manager-cp1"));
  EXPECT_THAT(r.out, HasSubstr("kube-scheduler-cp1"));
  EXPECT_THAT(r.out,
              ::testing::ContainsRegex("kube-system +coredns-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("kube-system +cilium-[a-z0-9]{5} +1/1 +Running"));
  EXPECT_THAT(r.out, HasSubstr("cilium-operator-"));
}

TEST_F(Kubectl, JsonPathAndLabelSelectorsWorkLikeHealthChecks) {
  add_cluster(true);
  KubectlRun r =
      kubectl({"get", "nodes", "-o",
               "jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="
               "\"Ready\")].status} {end}"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "cp1=True w1=True w2=True ");
  r = kubectl({"get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-apiserver", "-o", "name"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "pod/kube-apiserver-cp1\n");
  r = kubectl({"get", "nodes", "-l", "node-role.kubernetes.io/control-plane", "-o", "name"});
  EXPECT_EQ(r.out, "node/cp1\n");
  r = kubectl({"get", "nodes", "--sort-by=.status.addresses[0].address", "-o", "wide"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("cp1[^\n]*\nw1[^\n]*\nw2"));
}

TEST_F(Kubectl, CoreDnsIsPendingWithoutCni) {
  add_cluster(false);
  const KubectlRun r = kubectl({"get", "pods", "-n", "kube-system"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("coredns-[a-z0-9]+-[a-z0-9]{5} +0/1 +Pending"));
  EXPECT_THAT(r.out, Not(HasSubstr("cilium")));
}

TEST_F(Kubectl, WaitForReadySucceedsOnceCniRuns) {
  add_cluster(true);
  const KubectlRun r = kubectl({"wait", "--for=condition=Ready", "node", "--all", "--timeout=10s"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node/cp1 condition met"));
  EXPECT_THAT(r.out, HasSubstr("node/w1 condition met"));
  EXPECT_THAT(r.out, HasSubstr("node/w2 condition met"));
}

TEST_F(Kubectl, WaitForReadyTimesOutWithCniNone) {
  add_cluster(false);
  const KubectlRun r = kubectl({"wait", "--for=condition=Ready", "node", "--all", "--timeout=1s"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("timed out waiting for the condition on nodes/"));
  EXPECT_FALSE(state_->node_ready("cp1"));
}

TEST_F(Kubectl, WaitSeesNodeTurnReadyThroughTheWatch) {
  add_cluster(false);
  std::thread flip([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    state_->set_cni_running(true);
  });
  const KubectlRun r = kubectl({"wait", "--for=condition=Ready", "node/w1", "--timeout=8s"});
  flip.join();
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node/w1 condition met"));
  EXPECT_THAT(r.err, Not(HasSubstr("unable to decode")));
}

TEST_F(Kubectl, CordonAndUncordonFlipUnschedulable) {
  add_cluster(true);
  KubectlRun r = kubectl({"cordon", "w1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node/w1 cordoned"));
  EXPECT_TRUE(state_->node_unschedulable("w1"));
  r = kubectl({"get", "node", "w1"});
  EXPECT_THAT(r.out, ::testing::ContainsRegex("w1 +Ready,SchedulingDisabled"));
  r = kubectl({"cordon", "w1"});
  EXPECT_THAT(r.out, HasSubstr("node/w1 already cordoned"));
  r = kubectl({"uncordon", "w1"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node/w1 uncordoned"));
  EXPECT_FALSE(state_->node_unschedulable("w1"));
}

TEST_F(Kubectl, DrainEvictsReplicaSetPodsAndSkipsDaemonSetAndMirrorPods) {
  add_cluster(true);
  const int pods_before = static_cast<int>(state_->pods_on_node("cp1").size());
  const KubectlRun r =
      kubectl({"drain", "cp1", "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=20s"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node/cp1 cordoned"));
  EXPECT_THAT(r.out, HasSubstr("node/cp1 drained"));
  EXPECT_THAT(r.err, HasSubstr("Warning: ignoring DaemonSet-managed Pods: kube-system/cilium-"));
  EXPECT_TRUE(state_->node_unschedulable("cp1"));
  // What stays: the three mirror pods and the cilium agent.
  const std::vector<std::string> left = state_->pods_on_node("cp1");
  EXPECT_EQ(left.size(), 4u) << ::testing::PrintToString(left);
  EXPECT_EQ(state_->evictions(), pods_before - 4);
  EXPECT_GE(state_->evictions(), 1);
}

TEST_F(Kubectl, DrainRefusesDaemonSetPodsWithoutIgnoreFlag) {
  add_cluster(true);
  const KubectlRun r = kubectl({"drain", "w1", "--timeout=5s"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("cannot delete DaemonSet-managed Pods"));
  EXPECT_EQ(state_->evictions(), 0);
  EXPECT_TRUE(state_->node_unschedulable("w1"));
}

TEST_F(Kubectl, DeleteNodeRemovesItAndItsPods) {
  add_cluster(true);
  KubectlRun r = kubectl({"delete", "node", "w2"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("node \"w2\" deleted"));
  EXPECT_FALSE(state_->node_exists("w2"));
  EXPECT_TRUE(state_->pods_on_node("w2").empty());
  EXPECT_EQ(state_->node_deletions(), 1);
  r = kubectl({"delete", "node", "w2"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error from server (NotFound): nodes \"w2\" not found"));
}

TEST_F(Kubectl, GetWatchStreamsNodeChanges) {
  add_cluster(true);
  std::thread change([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    state_->set_node_kubelet_running("w1", false);
  });
  const KubectlRun r =
      kubectl({"get", "nodes", "-w", "--request-timeout=3s"}, std::chrono::seconds(8));
  change.join();
  EXPECT_FALSE(r.timed_out) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("w1 +Ready "));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("w1 +Unknown "));
}

TEST_F(Kubectl, UnavailableApiIsReportedByKubectl) {
  add_cluster(true);
  state_->set_available(false);
  const KubectlRun r = kubectl({"get", "nodes"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("the server is currently unable to handle the request"));
}

TEST_F(Kubectl, VersionAndRawHealthEndpoints) {
  KubectlRun r = kubectl({"get", "--raw", "/healthz"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_EQ(r.out, "ok");
  r = kubectl({"get", "--raw", "/readyz?verbose"});
  EXPECT_THAT(r.out, HasSubstr("readyz check passed"));
  r = kubectl({"version", "-o", "json"});
  EXPECT_THAT(r.out, HasSubstr("\"gitVersion\": \"v1.34.1\""));
}

TEST_F(Kubectl, MissingNodeIsNotFound) {
  add_cluster(true);
  const KubectlRun r = kubectl({"get", "node", "nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Error from server (NotFound): nodes \"nope\" not found"));
}

TEST_F(Kubectl, ClientCertFromAnotherCaIsRejected) {
  const Pem other_ca = make_ca("other");
  kubeconfig_ =
      write_kubeconfig("other", make_client_cert(other_ca, "admin", {"system:masters"}), ca_.crt);
  const KubectlRun r = kubectl({"get", "nodes"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("Unable to connect to the server"));
}

TEST_F(Kubectl, NonAdminUserIsForbidden) {
  kubeconfig_ = write_kubeconfig("bob", make_client_cert(ca_, "bob", {"developers"}), ca_.crt);
  const KubectlRun r = kubectl({"get", "nodes"});
  EXPECT_EQ(r.exit_code, 1) << describe(r);
  EXPECT_THAT(r.err, HasSubstr("Error from server (Forbidden): nodes is forbidden: User \"bob\" "
                               "cannot list resource \"nodes\""));
}

TEST_F(Kubectl, ApplyCreatesThenConfiguresConfigMapWithValidation) {
  const std::string manifest = dir_ + "/cm.yaml";
  ASSERT_TRUE(util::write_file_atomic(manifest,
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n"
                                      "data:\n  key: value\n",
                                      0600)
                  .ok());
  KubectlRun r = kubectl({"apply", "-f", manifest});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("configmap/demo created"));
  r = kubectl({"apply", "-f", manifest});
  EXPECT_THAT(r.out, HasSubstr("configmap/demo unchanged")) << describe(r);
  ASSERT_TRUE(util::write_file_atomic(manifest,
                                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n"
                                      "data:\n  key: value2\n",
                                      0600)
                  .ok());
  r = kubectl({"apply", "-f", manifest});
  EXPECT_THAT(r.out, HasSubstr("configmap/demo configured")) << describe(r);
  const auto cm = state_->get("configmaps", "default", "demo");
  ASSERT_TRUE(cm.ok());
  EXPECT_EQ((*cm)["data"]["key"], "value2");
  r = kubectl({"apply", "--server-side", "-f", manifest});
  EXPECT_THAT(r.out, HasSubstr("configmap/demo serverside-applied")) << describe(r);
}

TEST_F(Kubectl, NamespacesEventsAndClusterInfo) {
  add_cluster(true);
  KubectlRun r = kubectl({"get", "ns"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("kube-node-lease +Active"));
  r = kubectl({"get", "events"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex(
                         "Normal +NodeReady +node/w1 +Node w1 status is now: NodeReady"));
  r = kubectl({"cluster-info"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, HasSubstr("Kubernetes control plane is running at https://" + address_));
  r = kubectl({"get", "ds,deploy", "-n", "kube-system"});
  ASSERT_EQ(r.exit_code, 0) << describe(r);
  EXPECT_THAT(r.out, ::testing::ContainsRegex("daemonset.apps/cilium +3 +3 +3 +3 +3 +<none>"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex("deployment.apps/coredns +2/2 +2 +2"));
  r = kubectl({"get", "pods", "-n", "kube-public"});
  EXPECT_THAT(r.err, HasSubstr("No resources found in kube-public namespace."));
}

}  // namespace
}  // namespace kube_test
