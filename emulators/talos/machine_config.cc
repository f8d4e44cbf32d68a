// Machine-config acceptance as a Talos node does it (see machine_config.h).
#include "talos/machine_config.h"

namespace talos_emu {

util::Result<MachineConfig> accept_machine_config(const std::string&, const AcceptOptions&) {
  return util::Error::internal("not implemented yet");
}

bool change_needs_reboot(const MachineConfig&, const MachineConfig&) { return true; }

std::vector<std::string> changed_paths(const MachineConfig&, const MachineConfig&) { return {}; }

}  // namespace talos_emu
