// engine::remove_node (see node_removal.h).
#include "engine/node_removal.h"

#include <algorithm>

#include <fmt/format.h>

namespace engine {
namespace {

struct EtcdView {
  std::unique_ptr<talos::Api> via;  // a staying control plane that answered
  std::vector<talos::EtcdMember> members;
};

util::Result<EtcdView> etcd_view(const std::vector<std::string>& staying, const TalosDialer& dial) {
  util::Error last = util::Error::unavailable("no staying control plane to ask");
  for (const std::string& address : staying) {
    util::Result<std::unique_ptr<talos::Api>> api = dial(address, talos::ConnectMode::Secure);
    if (!api.ok()) {
      last = std::move(api).error();
      continue;
    }
    util::Result<std::vector<talos::EtcdMember>> members = (*api)->etcd_member_list(false);
    if (members.ok()) {
      return EtcdView{std::move(*api), std::move(*members)};
    }
    last = std::move(members).error();
  }
  return last;
}

bool answers(const std::string& address, const TalosDialer& dial) {
  util::Result<std::unique_ptr<talos::Api>> api = dial(address, talos::ConnectMode::Secure);
  return api.ok() && (*api)->version().ok();
}

// After the removal, the members that remain must still have an answering majority.
util::Result<void> check_quorum(const std::string& name, const EtcdView& view,
                                const std::map<std::string, std::string>& addresses,
                                const TalosDialer& dial) {
  int remaining = 0;
  int healthy = 0;
  for (const talos::EtcdMember& m : view.members) {
    if (m.hostname == name) {
      continue;
    }
    ++remaining;
    const auto address = addresses.find(m.hostname);
    healthy += address != addresses.end() && answers(address->second, dial) ? 1 : 0;
  }
  if (remaining == 0 || healthy <= remaining / 2) {
    return util::Error::conflict(
               fmt::format("removing control plane {} would leave etcd with {} member(s) of which "
                           "{} answer: quorum would be lost",
                           name, remaining, healthy))
        .with_hint("bring the other control planes back first, or keep this node in cluster.yaml");
  }
  return {};
}

void delete_kubernetes_node(const std::string& name, const std::vector<std::string>& staying,
                            RemovalServices& s, Progress::Step& step) {
  for (const std::string& address : staying) {
    util::Result<std::unique_ptr<kube::Api>> kube = s.kube(address);
    if (!kube.ok()) {
      continue;
    }
    util::Result<void> deleted = (*kube)->delete_node(name);
    if (deleted.ok() || deleted.error().code == util::ErrorCode::NotFound) {
      step.note(deleted.ok() ? "Kubernetes node deleted" : "not a Kubernetes node");
      return;
    }
  }
  step.note("Kubernetes API not reachable: node not deleted");
}

// Evicts its pods through the first control plane whose Kubernetes API drains it.
void drain(const std::string& name, const std::vector<std::string>& staying, RemovalServices& s,
           Progress::Step& step) {
  for (const std::string& address : staying) {
    util::Result<std::unique_ptr<kube::Api>> kube = s.kube(address);
    if (!kube.ok()) {
      continue;
    }
    util::Result<kube::DrainSummary> drained = (*kube)->drain(name, {});
    if (drained.ok() || drained.error().code == util::ErrorCode::NotFound) {
      step.note(drained.ok() ? fmt::format("drained ({} pods evicted)", drained->evicted.size())
                             : "not a Kubernetes node");
      return;
    }
    step.note(fmt::format("drain: {}", drained.error().describe()));
  }
  step.note("Kubernetes API not reachable: node not drained");
}

void reset_talos(const plan::ObservedVm& vm, RemovalServices& s, Progress::Step& step) {
  util::Result<std::unique_ptr<talos::Api>> api = s.dial(vm.vm.address, talos::ConnectMode::Secure);
  if (!api.ok()) {
    step.note("Talos API not reachable: not reset");
    return;
  }
  talos::ResetRequest request;
  request.graceful = true;
  request.reboot = false;
  util::Result<talos::ActionAck> reset = (*api)->reset(request);
  step.note(reset.ok() ? "Talos reset (leaves etcd, wipes the disk)"
                       : fmt::format("Talos reset refused: {}", reset.error().describe()));
}

util::Result<void> remove_etcd_member(const std::string& name,
                                      const std::vector<std::string>& staying, RemovalServices& s,
                                      const WaitPolicy& wait, Progress::Step& step) {
  // The graceful reset makes the node leave by itself; wait for that, then remove what is left.
  return wait_until(
      fmt::format("{} leaving etcd", name), s.progress.clock(), wait, [&]() -> util::Result<void> {
        ASSIGN_OR_RETURN(EtcdView view, etcd_view(staying, s.dial));
        const auto member =
            std::find_if(view.members.begin(), view.members.end(),
                         [&](const talos::EtcdMember& m) { return m.hostname == name; });
        if (member == view.members.end()) {
          return {};
        }
        step.note("removing its etcd member through another control plane");
        util::Result<void> removed = view.via->etcd_remove_member(member->id);
        if (removed.ok() || removed.error().code == util::ErrorCode::NotFound) {
          return {};
        }
        // It may be leaving by itself right now: look again.
        return util::Error::unavailable(removed.error().describe());
      });
}

}  // namespace

util::Result<void> remove_node(const plan::ObservedVm& vm,
                               const std::vector<std::string>& staying_control_planes,
                               const std::map<std::string, std::string>& control_plane_addresses,
                               RemovalServices& s, const WaitPolicy& wait) {
  auto step = s.progress.start(vm.node, "node.remove");
  util::Result<void> r = [&]() -> util::Result<void> {
    const bool control_plane = vm.role == spec::NodeRole::ControlPlane;
    if (control_plane) {
      ASSIGN_OR_RETURN(EtcdView view, etcd_view(staying_control_planes, s.dial));
      RETURN_IF_ERROR(check_quorum(vm.node, view, control_plane_addresses, s.dial));
    }
    drain(vm.node, staying_control_planes, s, step);
    delete_kubernetes_node(vm.node, staying_control_planes, s, step);
    reset_talos(vm, s, step);
    if (control_plane) {
      RETURN_IF_ERROR(remove_etcd_member(vm.node, staying_control_planes, s, wait, step));
    }
    RETURN_IF_ERROR(s.pve.destroy_vm(vm.vm.pve_node, vm.vm.vmid));
    return {};
  }();
  if (!r.ok()) {
    step.fail(r.error().describe());
    return std::move(r).error().with_context(fmt::format("remove node {}", vm.node));
  }
  step.finish(fmt::format("VM {} destroyed on {}", vm.vm.vmid, vm.vm.pve_node));
  return {};
}

util::Result<void> remove_stale_etcd_member(
    const std::string& name, const std::vector<std::string>& staying_control_planes,
    const std::map<std::string, std::string>& control_plane_addresses, RemovalServices& s) {
  auto step = s.progress.start(name, "etcd.remove-member");
  util::Result<std::string> r = [&]() -> util::Result<std::string> {
    ASSIGN_OR_RETURN(EtcdView view, etcd_view(staying_control_planes, s.dial));
    const auto member =
        std::find_if(view.members.begin(), view.members.end(),
                     [&](const talos::EtcdMember& m) { return m.hostname == name; });
    if (member == view.members.end()) {
      return std::string("no longer a member");
    }
    RETURN_IF_ERROR(check_quorum(name, view, control_plane_addresses, s.dial));
    util::Result<void> removed = view.via->etcd_remove_member(member->id);
    if (!removed.ok() && removed.error().code != util::ErrorCode::NotFound) {
      return std::move(removed).error();
    }
    step.note("etcd member removed");
    // Its Kubernetes node would stay NotReady for ever and fail the health gate.
    delete_kubernetes_node(name, staying_control_planes, s, step);
    return std::string("removed from etcd and Kubernetes");
  }();
  if (!r.ok()) {
    step.fail(r.error().describe());
    return std::move(r).error().with_context(fmt::format("remove the etcd member of {}", name));
  }
  step.finish(*r);
  return {};
}

}  // namespace engine
