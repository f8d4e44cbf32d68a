// `talforge status`: one line per node of cluster.yaml — its VM, its Talos API, its Kubernetes
// node and its etcd membership — for "is my cluster fine?", and below it any rollout under way
// (nodes on different versions, nodes talforge cordoned). Read-only. Exit code 0 when every node
// is running, configured, Ready, not left cordoned by talforge and (control planes) an etcd
// member; 1 otherwise.
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/estate.h"
#include "cli/node_common.h"
#include "cli/verbs.h"
#include "engine/kube_connect.h"
#include "engine/observe.h"

namespace cli {
namespace {

struct StatusOptions {
  std::string file = "cluster.yaml";
  std::string format = "table";
  TalosAccessOptions access;
};

const char* power_name(const plan::ObservedVm* vm) {
  if (vm == nullptr) {
    return "absent";
  }
  switch (vm->power) {
    case plan::PowerState::Running:
      return "running";
    case plan::PowerState::Stopped:
      return "stopped";
    case plan::PowerState::Unknown:
      break;
  }
  return "unknown";
}

const char* talos_name(const plan::ObservedNode* node) {
  if (node == nullptr) {
    return "-";
  }
  switch (node->state) {
    case plan::TalosState::NotProbed:
      return "-";
    case plan::TalosState::Unreachable:
      return "unreachable";
    case plan::TalosState::Maintenance:
      return "maintenance";
    case plan::TalosState::Configured:
      return "configured";
    case plan::TalosState::ForeignCa:
      return "foreign-ca";
  }
  return "?";
}

// Kubernetes' view from the first configured control plane that answers; empty when none does.
std::map<std::string, kube::NodeInfo> kubernetes_nodes(const Estate& estate,
                                                       const plan::Observed& observed) {
  std::map<std::string, kube::NodeInfo> ready;
  for (const spec::Node* cp : estate.inputs.cluster.control_planes()) {
    const plan::ObservedNode* node = observed.node_of(cp->name);
    if (node == nullptr || node->state != plan::TalosState::Configured) {
      continue;
    }
    auto api = engine::kube_api(estate.inputs.cluster, estate.inputs.bundle, cp->address);
    if (!api.ok()) {
      continue;
    }
    auto nodes = (*api)->list_nodes();
    if (!nodes.ok()) {
      continue;
    }
    for (kube::NodeInfo& n : *nodes) {
      ready[n.name] = std::move(n);
    }
    break;
  }
  return ready;
}

// As kubectl's STATUS column: Ready / NotReady, ",SchedulingDisabled" when cordoned.
std::string kubernetes_state(const kube::NodeInfo* node) {
  if (node == nullptr) {
    return "-";
  }
  return std::string(node->ready ? "Ready" : "NotReady") +
         (node->unschedulable ? ",SchedulingDisabled" : "");
}

// "2 of 5 nodes run v1.12.11 (cp-1, cp-2)" when some but not all of `versions` equal `want`.
std::optional<std::string> partly_on(const std::map<std::string, std::string>& versions,
                                     const std::string& want) {
  std::vector<std::string> on;
  for (const auto& [node, version] : versions) {
    if (version == want) {
      on.push_back(node);
    }
  }
  if (on.empty() || on.size() == versions.size()) {
    return std::nullopt;
  }
  return fmt::format("{} of {} nodes run {} ({})", on.size(), versions.size(), want,
                     fmt::join(on, ", "));
}

// What shows a rollout under way (or interrupted): nodes on different versions with some on
// cluster.yaml's, and nodes talforge cordoned.
std::vector<std::string> rollout_lines(const Estate& estate, const plan::Observed& observed,
                                       const std::map<std::string, kube::NodeInfo>& k8s) {
  std::map<std::string, std::string> talos, kubelets;
  for (const spec::Node& n : estate.inputs.cluster.nodes) {
    const plan::ObservedNode* node = observed.node_of(n.name);
    if (node != nullptr && !node->talos_version.empty()) {
      talos[n.name] = node->talos_version;
    }
    if (const auto k = k8s.find(n.name); k != k8s.end() && !k->second.kubelet_version.empty()) {
      kubelets[n.name] = k->second.kubelet_version;
    }
  }
  std::vector<std::string> out;
  if (auto partly = partly_on(talos, estate.desired.talos_version)) {
    out.push_back("Talos rollout: " + *partly);
  }
  if (auto partly = partly_on(kubelets, "v" + estate.desired.kubernetes_version)) {
    out.push_back("Kubernetes rollout: " + *partly);
  }
  for (const auto& [name, node] : k8s) {
    if (node.unschedulable && !node.cordoned_for.empty()) {
      out.push_back(fmt::format("{} is cordoned by talforge ({})", name, node.cordoned_for));
    }
  }
  return out;
}

int run_status(const StatusOptions& opts, Context& ctx) {
  std::optional<Estate> estate = open_estate(opts.file, opts.access, ctx);
  if (!estate) {
    return kExitError;
  }
  std::optional<plan::Observed> observed = observe_estate(*estate, ctx);
  if (!observed) {
    return kExitError;
  }
  const std::map<std::string, kube::NodeInfo> k8s = kubernetes_nodes(*estate, *observed);
  const std::vector<std::string> members =
      observed->etcd_members.value_or(std::vector<std::string>{});
  std::vector<std::vector<std::string>> rows = {
      {"NODE", "ROLE", "VM", "PVE", "POWER", "TALOS", "VERSION", "KUBERNETES", "KUBELET", "ETCD"}};
  util::Tree doc = util::Tree::array();
  bool healthy = true;
  for (const spec::Node& n : estate->inputs.cluster.nodes) {
    const plan::ObservedVm* vm = observed->vm_of(n.name);
    const plan::ObservedNode* talos = observed->node_of(n.name);
    const bool cp = n.role == spec::NodeRole::ControlPlane;
    const auto k = k8s.find(n.name);
    const kube::NodeInfo* kube_node = k == k8s.end() ? nullptr : &k->second;
    const std::string kube = kubernetes_state(kube_node);
    const std::string kubelet = kube_node != nullptr ? kube_node->kubelet_version : "";
    const bool member = std::find(members.begin(), members.end(), n.name) != members.end();
    const std::string etcd = cp ? (member ? "member" : "-") : "";
    healthy = healthy && vm != nullptr && vm->power == plan::PowerState::Running && talos &&
              talos->state == plan::TalosState::Configured && kube_node != nullptr &&
              kube_node->ready && !(kube_node->unschedulable && !kube_node->cordoned_for.empty()) &&
              (!cp || member);  // a cordon of the user's is theirs; one talforge left is not fine
    const std::string vmid = vm != nullptr ? std::to_string(vm->vm.vmid) : "-";
    const std::string version = talos != nullptr ? talos->talos_version : "";
    rows.push_back({n.name, cp ? "controlplane" : "worker", vmid, n.pve_node, power_name(vm),
                    talos_name(talos), version.empty() ? "-" : version, kube,
                    kubelet.empty() ? "-" : kubelet, etcd});
    doc.push_back({{"node", n.name},
                   {"role", cp ? "controlplane" : "worker"},
                   {"vmid", vm != nullptr ? vm->vm.vmid : 0},
                   {"pve_node", n.pve_node},
                   {"power", power_name(vm)},
                   {"talos", talos_name(talos)},
                   {"talos_version", version},
                   {"kubernetes", kube},
                   {"kubelet_version", kubelet},
                   {"cordoned_by_talforge",
                    kube_node != nullptr && kube_node->unschedulable ? kube_node->cordoned_for : ""},
                   {"etcd_member", member},
                   {"error", talos != nullptr ? talos->error : ""}});
  }
  if (opts.format == "table") {
    print_table(*ctx.out, rows);
    const std::vector<std::string> rollout = rollout_lines(*estate, *observed, k8s);
    if (!rollout.empty()) {
      *ctx.out << "\n";
      for (const std::string& line : rollout) {
        *ctx.out << line << "\n";
      }
      *ctx.out << "A rollout is under way or was interrupted: `talforge apply` goes on with it.\n";
    }
    *ctx.out << (healthy ? "\nAll nodes are running, configured and Ready.\n"
                         : "\nSome nodes need attention (see above); `talforge plan` shows what "
                           "apply would do.\n");
  } else {
    print_tree(*ctx.out, doc, opts.format);
  }
  return healthy ? kExitOk : kExitError;
}

}  // namespace

void register_status(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<StatusOptions>();
  CLI::App* cmd = app.add_subcommand(
      "status",
      "Every node at a glance: VM, Talos, Kubernetes and etcd (exit 1 if one is not fine)");
  cmd->add_option("-f,--file", opts->file, "cluster file")->capture_default_str();
  cmd->add_option("-o,--output", opts->format, "Output format")
      ->check(CLI::IsMember({"table", "json", "yaml"}))
      ->capture_default_str();
  add_talosconfig_flag(*cmd, opts->access);
  cmd->callback([opts, &ctx] { ctx.exit_code = run_status(*opts, ctx); });
}

}  // namespace cli
