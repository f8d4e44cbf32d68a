#include "plan/diff.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plan/render.h"

namespace plan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const char* const kConfig = "version: v1alpha1\nmachine:\n  type: worker\n";

DesiredNode node(const std::string& name, spec::NodeRole role, const std::string& pve,
                 const std::string& address) {
  DesiredNode n;
  n.name = name;
  n.role = role;
  n.vm = {pve, 0, name, 2, 4096, 20, "bc:24:11:00:00:01", address};
  n.config_yaml = kConfig;
  return n;
}

Desired two_nodes() {
  Desired d;
  d.cluster = "lab";
  d.talos_version = "v1.11.6";
  d.boot_image_filename = "talos-abc-v1.11.6-nocloud-amd64.iso";
  d.iso_storage = "local";
  d.nodes = {node("cp-1", spec::NodeRole::ControlPlane, "pve1", "127.10.0.11"),
             node("w-1", spec::NodeRole::Worker, "pve2", "127.10.0.21")};
  return d;
}

// An estate that matches two_nodes(): VMs running, nodes configured with the same config, etcd
// bootstrapped.
Observed converged(const Desired& d) {
  Observed o;
  int vmid = 100;
  for (const DesiredNode& n : d.nodes) {
    ObservedVm vm;
    vm.node = n.name;
    vm.role = n.role;
    vm.vm = n.vm;
    vm.vm.vmid = ++vmid;
    vm.power = PowerState::Running;
    o.vms.push_back(vm);
    o.nodes.push_back({n.name, TalosState::Configured, "v1.11.6", n.config_yaml, ""});
  }
  o.etcd_members = std::vector<std::string>{"cp-1"};
  return o;
}

std::vector<std::string> lines(const Plan& p) {
  std::vector<std::string> out;
  for (const Change& c : p.changes) {
    out.push_back(std::string(action_name(c.kind)) + " " + subject_name(c.subject) + " " +
                  c.target);
  }
  return out;
}

TEST(PlanDiff, EmptyEstateCreatesImagesVmsConfigsThenBootstraps) {
  const Desired d = two_nodes();
  Observed o;
  o.etcd_members = std::vector<std::string>{};
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("create boot-image pve1/local", "create boot-image pve2/local",
                                    "create vm cp-1", "create vm w-1", "create machine-config cp-1",
                                    "create machine-config w-1", "run bootstrap cp-1"));
}

TEST(PlanDiff, BootImageAlreadyInTheStorageIsNotDownloadedAgain) {
  const Desired d = two_nodes();
  Observed o;
  o.etcd_members = std::vector<std::string>{};
  o.boot_images_present.insert({"pve1", "local", d.boot_image_filename});
  const Plan p = diff(d, o);
  EXPECT_EQ(lines(p).front(), "create boot-image pve2/local");
  EXPECT_EQ(lines(p)[1], "create vm cp-1");
}

TEST(PlanDiff, ConvergedEstateHasNoChanges) {
  const Desired d = two_nodes();
  const Plan p = diff(d, converged(d));
  EXPECT_TRUE(p.empty()) << render_text(p, false);
  EXPECT_THAT(render_text(p, false), HasSubstr("No changes"));
}

TEST(PlanDiff, KeyOrderAndEmptyValuesInTheActiveConfigAreNotChanges) {
  const Desired d = two_nodes();
  Observed o = converged(d);
  o.nodes[1].config_yaml = "machine:\n  type: worker\n  certSANs: []\nversion: v1alpha1\n";
  EXPECT_TRUE(diff(d, o).empty());
}

TEST(PlanDiff, GrowingAVmIsAnInPlaceUpdateNamingEachSetting) {
  Desired d = two_nodes();
  d.nodes[1].vm.cores = 4;
  d.nodes[1].vm.disk_gib = 40;
  const Plan p = diff(d, converged(two_nodes()));
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].kind, ChangeKind::Update);
  EXPECT_THAT(p.changes[0].details, ElementsAre("cores 2 → 4", "disk 20 GiB → 40 GiB"));
  EXPECT_THAT(p.changes[0].reason, HasSubstr("restart (drained, one node at a time)"));

  Desired disk_only = two_nodes();
  disk_only.nodes[1].vm.disk_gib = 40;  // grown online: no restart
  EXPECT_EQ(diff(disk_only, converged(two_nodes())).changes.at(0).reason, "in place");
}

TEST(PlanDiff, MovingOrShrinkingAVmIsAReplacementWithTheReason) {
  Desired d = two_nodes();
  d.nodes[0].vm.pve_node = "pve2";
  d.nodes[1].vm.disk_gib = 10;
  const Plan p = diff(d, converged(two_nodes()));
  ASSERT_GE(p.changes.size(), 2u);
  EXPECT_THAT(lines(p), ::testing::Contains("replace vm cp-1"));
  EXPECT_THAT(lines(p), ::testing::Contains("replace vm w-1"));
  for (const Change& c : p.changes) {
    if (c.kind == ChangeKind::Replace && c.target == "cp-1") {
      EXPECT_THAT(c.reason, HasSubstr("from PVE node pve1 to pve2"));
    }
    if (c.kind == ChangeKind::Replace && c.target == "w-1") {
      EXPECT_THAT(c.reason, HasSubstr("disk shrinks from 20 to 10 GiB"));
    }
  }
}

TEST(PlanDiff, ChangedConfigListsOnlyThePathsNeverTheValues) {
  Desired d = two_nodes();
  d.nodes[1].config_yaml = "version: v1alpha1\nmachine:\n  type: worker\n  token: s3cr3t-t0ken\n";
  const Plan p = diff(d, converged(two_nodes()));
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].subject, Subject::MachineConfig);
  EXPECT_THAT(p.changes[0].details, ElementsAre("machine.token"));
  EXPECT_THAT(render_text(p, false), ::testing::Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(render_json(p).dump(), ::testing::Not(HasSubstr("s3cr3t")));
}

TEST(PlanDiff, NodeInMaintenanceGetsItsConfigAndAStoppedVmIsStartedThenChecked) {
  const Desired d = two_nodes();
  Observed o = converged(d);
  o.nodes[0].state = TalosState::Maintenance;
  o.nodes[0].config_yaml.reset();
  o.vms[1].power = PowerState::Stopped;
  o.nodes[1] = {"w-1", TalosState::NotProbed, "", std::nullopt, ""};
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("run power w-1", "create machine-config cp-1",
                                    "update machine-config w-1"));
}

// An apply killed while a node installs leaves it silent for a while: the next apply must wait
// for it and finish the job, not skip it.
TEST(PlanDiff, UnreachableNodeIsWaitedForWithTheReasonShown) {
  const Desired d = two_nodes();
  Observed o = converged(d);
  o.nodes[1] = {"w-1", TalosState::Unreachable, "", std::nullopt, "connection refused"};
  const Plan p = diff(d, o);
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].subject, Subject::MachineConfig);
  EXPECT_THAT(p.changes[0].details.at(0), HasSubstr("connection refused"));
  EXPECT_THAT(p.changes[0].reason, HasSubstr("waits for the node"));
}

TEST(PlanDiff, UnknownEtcdMembershipPlansOnlyAGuardedBootstrap) {
  const Desired d = two_nodes();
  Observed o = converged(d);
  o.etcd_members.reset();
  const Plan p = diff(d, o);
  ASSERT_EQ(p.changes.size(), 1u);
  EXPECT_EQ(p.changes[0].subject, Subject::Bootstrap);
  EXPECT_THAT(p.changes[0].reason, HasSubstr("only if none reports members"));
  o.etcd_members = std::vector<std::string>{"cp-1"};
  EXPECT_TRUE(diff(d, o).empty());
}

TEST(PlanDiff, NodesRemovedFromTheFileAreDeletedLastWithTheirSteps) {
  Desired d = two_nodes();
  Observed o = converged(d);
  ObservedVm extra = o.vms[0];
  extra.node = "cp-9";
  extra.vm.vmid = 150;
  o.vms.push_back(extra);
  d.nodes[1].vm.cores = 3;
  const Plan p = diff(d, o);
  ASSERT_EQ(p.changes.size(), 2u);
  EXPECT_EQ(lines(p).back(), "delete vm cp-9");
  EXPECT_EQ(p.changes.back().details.front(), "remove its etcd member");
  EXPECT_EQ(p.changes.back().details.back(), "destroy VM 150 on pve1");
}

TEST(PlanDiff, AnEtcdMemberWithoutVmOrEntryIsRemovedBeforeAnyNode) {
  Desired d = two_nodes();
  Observed o = converged(d);
  ObservedVm leaving = o.vms[0];
  leaving.node = "cp-8";
  leaving.vm.vmid = 150;
  o.vms.push_back(leaving);
  // cp-8 still has its VM (a node removal takes care of its member); cp-9's VM is gone.
  o.etcd_members = std::vector<std::string>{"cp-1", "cp-8", "cp-9"};
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("delete etcd-member cp-9", "delete vm cp-8"));
  EXPECT_THAT(p.changes.front().reason, HasSubstr("no VM"));

  o.etcd_members.reset();  // membership unknown: no member is guessed stale
  EXPECT_THAT(lines(diff(d, o)), ::testing::Not(::testing::Contains(HasSubstr("etcd-member"))));
}

TEST(PlanDiff, AControlPlaneWhoseVmIsGoneLosesItsOldMemberBeforeItIsBuiltAgain) {
  Desired d = two_nodes();
  d.nodes.push_back(node("cp-2", spec::NodeRole::ControlPlane, "pve2", "127.10.0.12"));
  Observed o = converged(d);
  o.vms.erase(o.vms.begin() + 2);  // cp-2's VM deleted behind talforge's back
  o.nodes[2] = {"cp-2", TalosState::NotProbed, "", std::nullopt, ""};
  o.etcd_members = std::vector<std::string>{"cp-1", "cp-2"};
  const Plan p = diff(d, o);
  ASSERT_FALSE(p.changes.empty());
  EXPECT_EQ(lines(p).front(), "delete etcd-member cp-2");
  EXPECT_THAT(p.changes.front().reason, HasSubstr("built again"));
  EXPECT_THAT(lines(p), ::testing::Contains("create vm cp-2"));
}

TEST(PlanDiff, ANewTalosVersionIsAnInPlaceUpgradeThroughEachMinorControlPlanesFirst) {
  Desired d = two_nodes();
  std::swap(d.nodes[0], d.nodes[1]);  // cluster.yaml lists the worker first
  Observed o = converged(d);
  d.talos_version = "v1.13.9";
  d.nodes[1].config_yaml += "# what the v1.13 contract changes\n";
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("update talos cp-1", "update talos w-1"));
  EXPECT_EQ(p.changes[0].details.at(0), "v1.11.6 → v1.12.11 → v1.13.9");
  EXPECT_THAT(p.changes[0].reason, HasSubstr("in-place upgrade"));
  EXPECT_TRUE(p.blockers.empty());
}

TEST(PlanDiff, ANewSchematicIsAnUpgradeToTheSameVersion) {
  const std::string old_image = "factory.talos.dev/installer/aaa:v1.11.6";
  Desired d = two_nodes();
  for (DesiredNode& n : d.nodes) {
    n.config_yaml = "version: v1alpha1\nmachine:\n  install:\n    image: " + old_image + "\n";
  }
  Observed o = converged(d);
  EXPECT_TRUE(diff(d, o).empty()) << "no installer image known: nothing to compare";
  d.installer_image = old_image;
  EXPECT_TRUE(diff(d, o).empty());
  d.installer_image = "factory.talos.dev/installer/bbb:v1.11.6";
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("update talos cp-1", "update talos w-1"));
  EXPECT_EQ(p.changes[0].details.at(0), "v1.11.6, new installer image");
  EXPECT_EQ(p.changes[0].details.at(1), d.installer_image);
}

TEST(PlanDiff, ADowngradeBlocksThePlan) {
  Desired d = two_nodes();
  Observed o = converged(d);
  d.talos_version = "v1.10.9";
  const Plan p = diff(d, o);
  ASSERT_EQ(p.blockers.size(), 2u);
  EXPECT_THAT(p.blockers[0], HasSubstr("cp-1: v1.10.9 is older than the v1.11.6"));
}

TEST(PlanDiff, ANodeAnInterruptedRunLeftCordonedIsUncordonedBeforeAnyUpgrade) {
  Desired d = two_nodes();
  Observed o = converged(d);
  o.left_cordoned.push_back({"w-1", "talos upgrade to v1.12.11"});
  d.talos_version = "v1.12.11";
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("run uncordon w-1", "update talos cp-1", "update talos w-1"));
  EXPECT_EQ(p.changes[0].reason, "left cordoned by an earlier run (talos upgrade to v1.12.11)");
  EXPECT_THAT(render_text(p, false), HasSubstr("> uncordon        w-1"));
  o.left_cordoned = {{"w-9", "talos upgrade to v1.12.11"}};
  EXPECT_THAT(lines(diff(d, o)), ElementsAre("update talos cp-1", "update talos w-1"))
      << "a node cluster.yaml no longer lists is not returned to service";
}

std::string with_kubelet(const std::string& version) {
  return "version: v1alpha1\nmachine:\n  type: worker\n  kubelet:\n    image: "
         "ghcr.io/siderolabs/kubelet:v" + version + "\n";
}

// Every node's generated config runs `version`'s kubelet.
void set_kubelets(Desired& d, const std::string& version) {
  for (DesiredNode& n : d.nodes) {
    n.config_yaml = with_kubelet(version);
  }
}

TEST(PlanDiff, ANewKubernetesVersionMovesComponentsInsteadOfAConfigUpdate) {
  Desired d = two_nodes();
  set_kubelets(d, "1.34.1");
  d.kubernetes_version = "1.34.1";
  Observed o = converged(d);
  EXPECT_TRUE(diff(d, o).empty());
  d.kubernetes_version = "1.35.4";
  set_kubelets(d, "1.35.4");
  const Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("update kubernetes cp-1", "update kubernetes w-1"));
  EXPECT_EQ(p.changes[0].details.at(0), "1.34.1 → 1.35.4");
  EXPECT_THAT(p.changes[0].details.at(1), HasSubstr("kube-apiserver"));
  EXPECT_EQ(p.changes[1].details.at(1), "kubelet");
  EXPECT_TRUE(p.blockers.empty());
}

TEST(PlanDiff, AKubeletPinnedByAPatchIsNotAKubernetesChange) {
  Desired d = two_nodes();
  set_kubelets(d, "1.34.1");
  Observed o = converged(d);
  d.kubernetes_version = "1.35.4";  // cluster.yaml says 1.35.4, a patch keeps the kubelet
  EXPECT_TRUE(diff(d, o).empty());
}

TEST(PlanDiff, ANewNodeWhileKubernetesChangesBlocksThePlan) {
  Desired d = two_nodes();
  set_kubelets(d, "1.34.1");
  Observed o = converged(d);
  d.kubernetes_version = "1.35.4";
  set_kubelets(d, "1.35.4");
  d.nodes.push_back(node("w-2", spec::NodeRole::Worker, "pve2", "127.10.0.22"));
  const Plan p = diff(d, o);
  ASSERT_EQ(p.blockers.size(), 1u);
  EXPECT_THAT(p.blockers[0], HasSubstr("w-2 gets its first config in this run while "
                                       "kubernetesVersion changes"));
}

TEST(PlanDiff, InlineManifestsAreAppliedWhenTheirRecordedDigestDiffers) {
  Desired d = two_nodes();
  d.manifests_digest = "abc";
  Observed o = converged(d);
  o.manifests_digest = "abc";
  EXPECT_TRUE(diff(d, o).empty());
  o.manifests_digest = "old";
  Plan p = diff(d, o);
  EXPECT_THAT(lines(p), ElementsAre("run manifests lab"));
  EXPECT_THAT(p.changes[0].reason, HasSubstr("changed since talforge last applied them"));
  o.manifests_digest = "";
  EXPECT_THAT(diff(d, o).changes.at(0).reason, HasSubstr("not yet applied server-side"));
  o.manifests_digest = std::nullopt;
  EXPECT_THAT(diff(d, o).changes.at(0).reason, HasSubstr("no control plane's Kubernetes API"));
  d.manifests_digest = "";
  EXPECT_TRUE(diff(d, o).empty()) << "no inline manifests, nothing to apply";
}

TEST(PlanDiff, TalosAndKubernetesChangingTogetherBlockThePlan) {
  Desired d = two_nodes();
  set_kubelets(d, "1.34.1");
  Observed o = converged(d);
  d.talos_version = "v1.12.11";
  d.kubernetes_version = "1.35.4";
  EXPECT_TRUE(diff(d, o).blockers.empty()) << "a patch keeps the kubelet: Talos alone changes";
  set_kubelets(d, "1.35.4");
  const Plan p = diff(d, o);
  ASSERT_EQ(p.blockers.size(), 2u);
  EXPECT_THAT(p.blockers[0], HasSubstr("talosVersion and kubernetesVersion both change"));
  EXPECT_THAT(p.blockers[0], HasSubstr("set it to 1.34.1 to upgrade Talos alone"));
}

TEST(PlanDiff, NodesOfAnotherPkiBlockThePlan) {
  const Desired d = two_nodes();
  Observed o = converged(d);
  o.nodes[0] = {"cp-1", TalosState::ForeignCa, "", std::nullopt, "certificate verify failed"};
  const Plan p = diff(d, o);
  ASSERT_EQ(p.blockers.size(), 1u);
  EXPECT_THAT(p.blockers[0], HasSubstr("cp-1"));
  const std::string text = render_text(p, false);
  EXPECT_THAT(text, HasSubstr("error: cp-1 answers with a certificate"));
  EXPECT_THAT(text, HasSubstr("Refusing to change anything"));
  EXPECT_EQ(render_json(p)["blockers"].size(), 1u);
}

TEST(PlanRender, TextHasTerraformSymbolsAndASummary) {
  Desired d = two_nodes();
  Observed o = converged(d);
  d.nodes[1].vm.cores = 3;
  d.nodes[0].vm.pve_node = "pve3";
  const std::string text = render_text(diff(d, o), false);
  EXPECT_THAT(text, HasSubstr("-/+ vm              cp-1"));
  EXPECT_THAT(text, HasSubstr("  ~ vm              w-1"));
  EXPECT_THAT(text, HasSubstr("  + boot-image      pve3/local"));
  EXPECT_THAT(text, HasSubstr("Plan: 2 to create, 1 to update, 1 to replace, 0 to destroy"));
}

TEST(PlanRender, JsonCountsEachKind) {
  const Desired d = two_nodes();
  Observed o;
  o.etcd_members = std::vector<std::string>{};
  const nlohmann::json j = render_json(diff(d, o));
  EXPECT_EQ(j["summary"]["create"], 6);
  EXPECT_EQ(j["summary"]["run"], 1);
  EXPECT_EQ(j["changes"][0]["action"], "create");
  EXPECT_EQ(j["changes"][0]["subject"], "boot-image");
}

}  // namespace
}  // namespace plan
