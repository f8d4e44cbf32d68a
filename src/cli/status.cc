// `talforge status`: one line per node of cluster.yaml — its VM, its Talos API, its Kubernetes
// node and its etcd membership — for "is my cluster fine?". Read-only. Exit code 0 when every
// node is running, configured, Ready and (control planes) an etcd member; 1 otherwise.
#include <algorithm>
#include <map>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

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
std::map<std::string, bool> kubernetes_ready(const Estate& estate, const plan::Observed& observed) {
  std::map<std::string, bool> ready;
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
    for (const kube::NodeInfo& n : *nodes) {
      ready[n.name] = n.ready;
    }
    break;
  }
  return ready;
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
  const std::map<std::string, bool> k8s = kubernetes_ready(*estate, *observed);
  const std::vector<std::string> members =
      observed->etcd_members.value_or(std::vector<std::string>{});
  std::vector<std::vector<std::string>> rows = {
      {"NODE", "ROLE", "VM", "PVE", "POWER", "TALOS", "VERSION", "KUBERNETES", "ETCD"}};
  util::Tree doc = util::Tree::array();
  bool healthy = true;
  for (const spec::Node& n : estate->inputs.cluster.nodes) {
    const plan::ObservedVm* vm = observed->vm_of(n.name);
    const plan::ObservedNode* talos = observed->node_of(n.name);
    const bool cp = n.role == spec::NodeRole::ControlPlane;
    const auto k = k8s.find(n.name);
    const std::string kube = k == k8s.end() ? "-" : (k->second ? "Ready" : "NotReady");
    const bool member = std::find(members.begin(), members.end(), n.name) != members.end();
    const std::string etcd = cp ? (member ? "member" : "-") : "";
    healthy = healthy && vm != nullptr && vm->power == plan::PowerState::Running && talos &&
              talos->state == plan::TalosState::Configured && kube == "Ready" && (!cp || member);
    const std::string vmid = vm != nullptr ? std::to_string(vm->vm.vmid) : "-";
    const std::string version = talos != nullptr ? talos->talos_version : "";
    rows.push_back({n.name, cp ? "controlplane" : "worker", vmid, n.pve_node, power_name(vm),
                    talos_name(talos), version.empty() ? "-" : version, kube, etcd});
    doc.push_back({{"node", n.name},
                   {"role", cp ? "controlplane" : "worker"},
                   {"vmid", vm != nullptr ? vm->vm.vmid : 0},
                   {"pve_node", n.pve_node},
                   {"power", power_name(vm)},
                   {"talos", talos_name(talos)},
                   {"talos_version", version},
                   {"kubernetes", kube},
                   {"etcd_member", member},
                   {"error", talos != nullptr ? talos->error : ""}});
  }
  if (opts.format == "table") {
    print_table(*ctx.out, rows);
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
