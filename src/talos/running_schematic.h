// The Image Factory schematic a running node booted from: the factory adds a virtual extension
// named `schematic` whose version is the schematic ID (COSI ExtensionStatuses.runtime.talos.dev,
// talos.md §2.5, §8). How an upgrade is verified to have brought the new extensions.
#pragma once

#include <string>

#include "talos/api.h"
#include "util/result.h"

namespace talos {

// The schematic ID; empty when the node did not boot a factory image.
util::Result<std::string> running_schematic(Api& api);

}  // namespace talos
