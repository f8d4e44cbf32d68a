// plan::diff (see diff.h): per node, the VM, its power state and its machine config; then the
// cluster steps; then what cluster.yaml no longer lists.
#include "plan/diff.h"

#include <algorithm>
#include <set>
#include <string>

#include <fmt/format.h>

#include "plan/config_compare.h"
#include "spec/kubernetes_upgrade_path.h"
#include "spec/talos_upgrade_path.h"

namespace plan {
namespace {

constexpr std::size_t kMaxConfigPathsShown = 12;

constexpr const char* kCheckedWhenItAnswers =
    "apply waits for the node, then sends its config if it is in maintenance mode or differs";

std::string shape_summary(const VmShape& vm) {
  return fmt::format("{} on {}, {} cores, {} MiB, {} GiB disk, {}",
                     vm.vmid == 0 ? "VMID allocated at apply" : fmt::format("VMID {}", vm.vmid),
                     vm.pve_node, vm.cores, vm.memory_mib, vm.disk_gib, vm.address);
}

// Why the VM cannot be kept, or empty: Proxmox can grow a VM in place but not move it between
// nodes (talforge does not migrate), renumber it, or shrink its disk.
std::string replace_reason(const VmShape& want, const VmShape& have) {
  if (want.pve_node != have.pve_node) {
    return fmt::format("moves from PVE node {} to {} (talforge recreates instead of migrating)",
                       have.pve_node, want.pve_node);
  }
  if (want.vmid != 0 && want.vmid != have.vmid) {
    return fmt::format("VMID changes from {} to {} (Proxmox cannot renumber a VM)", have.vmid,
                       want.vmid);
  }
  if (want.disk_gib < have.disk_gib) {
    return fmt::format("disk shrinks from {} to {} GiB (disks can only grow)", have.disk_gib,
                       want.disk_gib);
  }
  return {};
}

std::vector<std::string> vm_updates(const VmShape& want, const VmShape& have) {
  std::vector<std::string> out;
  auto compare = [&out](const char* what, const auto& a, const auto& b, const char* unit) {
    if (a != b) {
      out.push_back(fmt::format("{} {}{} → {}{}", what, b, unit, a, unit));
    }
  };
  compare("name", want.name, have.name, "");
  compare("cores", want.cores, have.cores, "");
  compare("memory", want.memory_mib, have.memory_mib, " MiB");
  compare("disk", want.disk_gib, have.disk_gib, " GiB");
  compare("MAC", want.mac, have.mac, "");
  compare("address", want.address, have.address, "");
  return out;
}

class Differ {
 public:
  Differ(const Desired& desired, const Observed& observed)
      : desired_(desired), observed_(observed) {}

  Plan run() {
    for (const DesiredNode& node : desired_.nodes) {
      node_changes(node);
    }
    bootstrap();
    left_cordoned();
    deletes();
    kubernetes_with_new_nodes();
    manifests();
    Plan out;
    // In the order apply runs them: a member without VM goes before anything is built.
    out.changes = std::move(stale_members_);
    for (const BootImage& image : images_needed_) {
      if (observed_.boot_images_present.count(image) == 0) {
        out.changes.push_back({ChangeKind::Create,
                               Subject::BootImage,
                               image.pve_node + "/" + image.storage,
                               {image.filename},
                               "download from the Image Factory"});
      }
    }
    for (auto* list :
         {&vms_, &power_, &configs_, &cluster_, &uncordons_, &upgrades_, &worker_upgrades_,
          &kubernetes_, &manifests_, &deletes_}) {
      out.changes.insert(out.changes.end(), list->begin(), list->end());
    }
    out.notes = std::move(notes_);
    out.blockers = std::move(blockers_);
    return out;
  }

 private:
  void needs_image(const DesiredNode& node) {
    images_needed_.insert({node.vm.pve_node, desired_.iso_storage, desired_.boot_image_filename});
  }

  void node_changes(const DesiredNode& node) {
    const ObservedVm* vm = observed_.vm_of(node.name);
    if (vm == nullptr) {
      needs_image(node);
      vms_.push_back({ChangeKind::Create, Subject::Vm, node.name, {shape_summary(node.vm)}, ""});
      configs_.push_back({ChangeKind::Create,
                          Subject::MachineConfig,
                          node.name,
                          {},
                          "applied in maintenance mode after the VM boots"});
      return;
    }
    if (std::string why = replace_reason(node.vm, vm->vm); !why.empty()) {
      needs_image(node);
      vms_.push_back({ChangeKind::Replace, Subject::Vm, node.name, {shape_summary(node.vm)}, why});
      configs_.push_back({ChangeKind::Create,
                          Subject::MachineConfig,
                          node.name,
                          {},
                          "applied in maintenance mode after the new VM boots"});
      return;
    }
    if (std::vector<std::string> updates = vm_updates(node.vm, vm->vm); !updates.empty()) {
      // talforge's VMs hot-plug neither CPUs nor memory: PVE keeps such changes pending.
      const bool restart = vm->power == PowerState::Running &&
                           (node.vm.cores != vm->vm.cores || node.vm.memory_mib != vm->vm.memory_mib);
      vms_.push_back({ChangeKind::Update, Subject::Vm, node.name, updates,
                      restart ? "in place, then a restart (drained, one node at a time) for the "
                                "CPUs/memory PVE applies at power-on"
                              : "in place"});
    }
    if (vm->power != PowerState::Running) {
      power_.push_back({ChangeKind::Run,
                        Subject::Power,
                        node.name,
                        {"start VM"},
                        fmt::format("VM {} is not running", vm->vm.vmid)});
      configs_.push_back(
          {ChangeKind::Update, Subject::MachineConfig, node.name, {}, kCheckedWhenItAnswers});
      return;
    }
    config_changes(node);
  }

  void config_changes(const DesiredNode& node) {
    const ObservedNode* talos = observed_.node_of(node.name);
    if (talos == nullptr || talos->state == TalosState::NotProbed) {
      return;
    }
    if (talos->state == TalosState::Unreachable) {
      configs_.push_back({ChangeKind::Update,
                          Subject::MachineConfig,
                          node.name,
                          {fmt::format("the Talos API did not answer: {}", talos->error)},
                          kCheckedWhenItAnswers});
      return;
    }
    if (talos->state == TalosState::ForeignCa) {
      blockers_.push_back(fmt::format(
          "{} answers with a certificate that the secrets bundle's OS CA did not sign: this is "
          "another cluster, or the bundle is not the one this cluster was built with; check that "
          "secrets.yaml is this cluster's bundle (a regenerated bundle can never be pushed to a "
          "running cluster)",
          node.name));
      return;
    }
    if (talos->state == TalosState::Maintenance) {
      configs_.push_back({ChangeKind::Create,
                          Subject::MachineConfig,
                          node.name,
                          {},
                          "the node waits in maintenance mode"});
      return;
    }
    if (!talos->config_yaml) {
      notes_.push_back(fmt::format("{}: its active machine config could not be read ({})",
                                   node.name, talos->error));
      return;
    }
    if (upgrade(node, *talos)) {
      return;  // the new config follows the upgrade (it may use the new release's settings)
    }
    if (kubernetes(node, *talos)) {
      return;  // the new config follows the components, which move one at a time
    }
    util::Result<std::vector<std::string>> paths =
        config_differences(*talos->config_yaml, node.config_yaml);
    if (!paths.ok()) {
      notes_.push_back(fmt::format("{}: {}", node.name, paths.error().message));
      return;
    }
    if (paths->empty()) {
      return;
    }
    std::vector<std::string> shown(paths->begin(),
                                   paths->begin() + std::min(paths->size(), kMaxConfigPathsShown));
    if (paths->size() > shown.size()) {
      shown.push_back(fmt::format("… and {} more", paths->size() - shown.size()));
    }
    configs_.push_back({ChangeKind::Update, Subject::MachineConfig, node.name, shown,
                        "applied in place; Talos reboots only if a changed setting needs it"});
  }

  // A node on another Talos version, or installed from another installer image (the schematic:
  // extensions, kernel arguments), is upgraded in place — never replaced. Across minors the
  // upgrade goes through the newest patch of each minor in between (talos.md §0). True when an
  // upgrade (or a blocker about one) was planned.
  bool upgrade(const DesiredNode& node, const ObservedNode& talos) {
    const std::optional<spec::Version> from = spec::parse_version(talos.talos_version);
    const std::optional<spec::Version> to = spec::parse_version(desired_.talos_version);
    const std::string installed = install_image_of(*talos.config_yaml);
    const bool new_image = !installed.empty() && !desired_.installer_image.empty() &&
                           installed != desired_.installer_image;
    if (!from || !to || (*from == *to && !new_image)) {
      return false;
    }
    const std::string running_kubernetes = kubernetes_version_of(*talos.config_yaml);
    if (!running_kubernetes.empty() && running_kubernetes != wanted_kubernetes(node)) {
      blockers_.push_back(fmt::format(
          "{}: talosVersion and kubernetesVersion both change (Talos {} → {}, Kubernetes {} → {}); "
          "change one per apply: Kubernetes first when it must be newer for the new Talos, "
          "else Talos first. Without kubernetesVersion in cluster.yaml it follows the Talos "
          "release's default: set it to {} to upgrade Talos alone",
          node.name, talos.talos_version, desired_.talos_version, running_kubernetes,
          wanted_kubernetes(node), running_kubernetes));
      return true;
    }
    util::Result<std::vector<spec::Version>> steps = spec::talos_upgrade_path(*from, *to);
    if (!steps.ok()) {
      blockers_.push_back(fmt::format("{}: {}", node.name, steps.error().describe()));
      return true;
    }
    std::string path = "v" + from->str();
    for (const spec::Version& step : *steps) {
      path += " → v" + step.str();
    }
    std::vector<std::string> details;
    details.push_back(steps->empty() ? fmt::format("v{}, new installer image", from->str()) : path);
    details.push_back(desired_.installer_image);
    // Control planes first (talos.md §9.1: one node at a time either way).
    auto& list = node.role == spec::NodeRole::ControlPlane ? upgrades_ : worker_upgrades_;
    list.push_back({ChangeKind::Update, Subject::Talos, node.name, details,
                         "in-place upgrade (A/B), drained, health-gated: control planes one at a time, "
                         "workers upgrade.workersMaxUnavailable at a time; then its machine config"});
    return true;
  }

  // The Kubernetes version the node's generated config runs: its kubelet image (a patch may pin
  // another one than kubernetesVersion's), else kubernetesVersion.
  std::string wanted_kubernetes(const DesiredNode& node) const {
    const std::string kubelet = kubernetes_version_of(node.config_yaml);
    return kubelet.empty() ? desired_.kubernetes_version : kubelet;
  }

  // A node whose kubelet (and, on a control plane, whose API server, controller manager,
  // scheduler) run another Kubernetes version: moved component by component across the cluster
  // as `talosctl upgrade-k8s` does (talos.md §9.2). True when a change or a blocker was planned.
  bool kubernetes(const DesiredNode& node, const ObservedNode& talos) {
    const std::string running = kubernetes_version_of(*talos.config_yaml);
    const std::optional<spec::Version> from = spec::parse_version(running);
    const std::optional<spec::Version> to = spec::parse_version(wanted_kubernetes(node));
    if (!from || !to || *from == *to) {
      return false;
    }
    if (util::Result<void> allowed = spec::check_kubernetes_upgrade(*from, *to); !allowed.ok()) {
      blockers_.push_back(fmt::format("{}: {}; {}", node.name, allowed.error().describe(),
                                      allowed.error().hint));
      return true;
    }
    const bool cp = node.role == spec::NodeRole::ControlPlane;
    kubernetes_.push_back(
        {ChangeKind::Update, Subject::Kubernetes, node.name,
         {fmt::format("{} → {}", from->str(), to->str()),
          cp ? "kube-apiserver, kube-controller-manager, kube-scheduler, kube-proxy, kubelet"
             : "kubelet"},
         "each component on one node at a time, waiting for it to run the new version; "
         "then its machine config"});
    return true;
  }

  // A node configured in this run gets the new kubelet at once, before the API servers move
  // (a kubelet newer than its API server is outside Kubernetes' skew policy).
  void kubernetes_with_new_nodes() {
    if (kubernetes_.empty()) {
      return;
    }
    for (const Change& c : configs_) {
      if (c.kind == ChangeKind::Create) {
        blockers_.push_back(fmt::format(
            "{} gets its first config in this run while kubernetesVersion changes: its kubelet "
            "would run {} before the control plane does; apply with the running Kubernetes "
            "version first (it is the one in the `~ kubernetes` lines), then change it",
            c.target, desired_.kubernetes_version));
      }
    }
  }

  // Talos creates an inline manifest's objects only when they are missing; talforge applies them
  // server-side when they changed since it last did (or it cannot tell), and after a Kubernetes
  // upgrade (as talosctl upgrade-k8s ends).
  void manifests() {
    if (desired_.manifests_digest.empty()) {
      return;
    }
    const std::optional<std::string>& applied = observed_.manifests_digest;
    if (applied && *applied == desired_.manifests_digest && kubernetes_.empty()) {
      return;
    }
    const char* why = !kubernetes_.empty() ? "after the Kubernetes upgrade, as talosctl upgrade-k8s"
                      : !applied           ? "no control plane's Kubernetes API answered: applied "
                                             "once one does (Talos only creates missing objects)"
                      : applied->empty()   ? "not yet applied server-side by talforge (Talos only "
                                             "creates missing objects)"
                                           : "changed since talforge last applied them (Talos "
                                             "never updates existing objects)";
    manifests_.push_back({ChangeKind::Run,
                          Subject::Manifests,
                          desired_.cluster,
                          {"cluster.inlineManifests, server-side apply"},
                          why});
  }

  // Planned unless a control plane reports members; when none could be asked, apply's guard
  // decides right before the call (and Talos refuses a second bootstrap of the same node).
  void bootstrap() {
    if (observed_.etcd_members && !observed_.etcd_members->empty()) {
      return;
    }
    const auto first_cp =
        std::find_if(desired_.nodes.begin(), desired_.nodes.end(),
                     [](const DesiredNode& n) { return n.role == spec::NodeRole::ControlPlane; });
    if (first_cp == desired_.nodes.end()) {
      return;
    }
    cluster_.push_back(
        {ChangeKind::Run,
         Subject::Bootstrap,
         first_cp->name,
         {},
         observed_.etcd_members
             ? "etcd has no members yet; checked again right before bootstrapping"
             : "etcd membership unknown (no configured control plane answered); bootstraps "
               "only if none reports members once they answer"});
  }

  // Its cordon is talforge's (marked when it was set), so lifting it gives back what the user had.
  // Only nodes that stay: one being removed or rebuilt goes out of service anyway.
  void left_cordoned() {
    for (const LeftCordoned& node : observed_.left_cordoned) {
      const bool stays = std::any_of(desired_.nodes.begin(), desired_.nodes.end(),
                                     [&](const DesiredNode& n) { return n.name == node.node; }) &&
                         std::none_of(vms_.begin(), vms_.end(), [&](const Change& c) {
                           return c.target == node.node && c.kind != ChangeKind::Update;
                         });
      if (stays) {
        uncordons_.push_back({ChangeKind::Run,
                              Subject::Uncordon,
                              node.node,
                              {"once it reports Ready"},
                              fmt::format("left cordoned by an earlier run ({})", node.reason)});
      }
    }
  }

  void deletes() {
    std::set<std::string> wanted;
    for (const DesiredNode& node : desired_.nodes) {
      wanted.insert(node.name);
    }
    for (const ObservedVm& vm : observed_.vms) {
      if (wanted.count(vm.node) != 0) {
        continue;
      }
      std::vector<std::string> steps;
      if (vm.role == spec::NodeRole::ControlPlane) {
        steps.push_back("remove its etcd member");
      }
      steps.push_back("cordon, drain and delete the Kubernetes node");
      steps.push_back("reset Talos");
      steps.push_back(fmt::format("destroy VM {} on {}", vm.vm.vmid, vm.vm.pve_node));
      deletes_.push_back(
          {ChangeKind::Delete, Subject::Vm, vm.node, steps, "no longer in cluster.yaml"});
    }
    stale_etcd_members(wanted);
  }

  // A member whose node has no VM any more (deleted behind talforge's back) never answers again,
  // yet counts against quorum: it goes first. When cluster.yaml still lists the node, the node is
  // built again afterwards and joins as a new member (its old one would hold its name).
  void stale_etcd_members(const std::set<std::string>& wanted) {
    if (!observed_.etcd_members) {
      return;
    }
    for (const std::string& member : *observed_.etcd_members) {
      if (observed_.vm_of(member) != nullptr) {
        continue;
      }
      const bool rebuilt = wanted.count(member) != 0;
      stale_members_.push_back(
          {ChangeKind::Delete,
           Subject::EtcdMember,
           member,
           {"remove it through a control plane that stays"},
           rebuilt ? "its node's VM is gone; the node is built again and joins anew"
                   : "an etcd member whose node has no VM and is not in cluster.yaml"});
    }
  }

  const Desired& desired_;
  const Observed& observed_;
  std::set<BootImage> images_needed_;
  std::vector<Change> stale_members_, vms_, power_, configs_, cluster_, uncordons_, upgrades_,
      worker_upgrades_, kubernetes_, manifests_, deletes_;
  std::vector<std::string> notes_;
  std::vector<std::string> blockers_;
};

}  // namespace

Plan diff(const Desired& desired, const Observed& observed) {
  return Differ(desired, observed).run();
}

}  // namespace plan
