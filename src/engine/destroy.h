// engine::destroy_vms — removes the VMs this cluster owns (tags + description marker, as
// observed), workers first, then control planes. The secrets bundle and the user's files are
// never touched; a VM without this cluster's marker is never a candidate.
#pragma once

#include <vector>

#include "engine/progress.h"
#include "plan/model.h"
#include "proxmox/api.h"
#include "util/result.h"

namespace engine {

util::Result<void> destroy_vms(const std::vector<plan::ObservedVm>& vms, proxmox::Api& pve,
                               Progress& progress);

}  // namespace engine
