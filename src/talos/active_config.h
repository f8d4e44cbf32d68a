// The machine config a configured node runs, read from COSI (talos.md §2.5: MachineConfigs.
// config.talos.dev/v1alpha1 in namespace `config`, sensitive: needs os:admin).
#pragma once

#include <string>

#include "talos/api.h"
#include "util/result.h"

namespace talos {

// The full multi-document YAML (MachineConfigSpec.yaml_marshalled); holds secrets. NotFound when
// the node has no active config.
util::Result<std::string> active_machine_config(Api& api);

}  // namespace talos
