// engine::destroy_vms (see destroy.h).
#include "engine/destroy.h"

#include <mutex>
#include <optional>

#include <fmt/format.h>

#include "util/parallel.h"

namespace engine {
namespace {

constexpr std::size_t kParallelDestroys = 4;

util::Result<void> destroy_all(const std::vector<const plan::ObservedVm*>& vms, proxmox::Api& pve,
                               Progress& progress) {
  std::mutex mutex;
  std::optional<util::Error> first;
  util::parallel_for(vms.size(), kParallelDestroys, [&](std::size_t i) {
    const plan::ObservedVm& vm = *vms[i];
    auto step = progress.start(vm.node, "vm.destroy");
    util::Result<void> r = pve.destroy_vm(vm.vm.pve_node, vm.vm.vmid);
    if (!r.ok()) {
      step.fail(r.error().describe());
      std::lock_guard<std::mutex> lock(mutex);
      if (!first) {
        first = std::move(r).error().with_context(
            fmt::format("destroy VM {} ({}) on {}", vm.vm.vmid, vm.node, vm.vm.pve_node));
      }
      return;
    }
    step.finish(fmt::format("VM {} removed from {}", vm.vm.vmid, vm.vm.pve_node));
  });
  if (first) {
    return *first;
  }
  return {};
}

}  // namespace

util::Result<void> destroy_vms(const std::vector<plan::ObservedVm>& vms, proxmox::Api& pve,
                               Progress& progress) {
  std::vector<const plan::ObservedVm*> workers, control_planes;
  for (const plan::ObservedVm& vm : vms) {
    (vm.role == spec::NodeRole::ControlPlane ? control_planes : workers).push_back(&vm);
  }
  RETURN_IF_ERROR(destroy_all(workers, pve, progress));
  return destroy_all(control_planes, pve, progress);
}

}  // namespace engine
