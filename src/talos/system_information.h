// The node's SMBIOS identity as Talos reports it (COSI SystemInformations.hardware.talos.dev,
// id `systeminformation`; readable in maintenance mode). talforge compares its UUID with the
// VM's smbios1 uuid before it sends a node any config.
#pragma once

#include <string>

#include "talos/api.h"
#include "util/result.h"

namespace talos {

// The UUID in lower case.
util::Result<std::string> system_uuid(Api& api);

}  // namespace talos
