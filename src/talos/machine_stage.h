// The machine's stage as Talos reports it (COSI MachineStatuses.runtime.talos.dev/machine,
// talos.md §7.2): lets a caller see that an upgrade or reboot is already under way.
#pragma once

#include "talos/api.h"
#include "util/result.h"

namespace talos {

// Same numbers as talos.resource.definitions.enums.RuntimeMachineStage.
enum class MachineStage {
  Unknown = 0,
  Booting = 1,
  Installing = 2,
  Maintenance = 3,
  Running = 4,
  Rebooting = 5,
  ShuttingDown = 6,
  Resetting = 7,
  Upgrading = 8,
};

util::Result<MachineStage> machine_stage(Api& api);

}  // namespace talos
