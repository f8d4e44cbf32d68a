// Internal to machine_config.cc: reads the facts an emulated node runs on (role, names, CAs,
// addresses, versions, CNI) out of an accepted config, wherever the release keeps them.
#pragma once

#include "emulators/talos/machine_config.h"
#include "emulators/talos/machine_config_doc.h"

namespace talos_emu {

// Fills every MachineConfig field except raw_yaml, warnings and kinds.
void extract_config_facts(const config_doc::Documents& docs, MachineConfig& out);

// Base64 text → bytes; "" for malformed input (an accepted config carries valid base64).
std::string decode_base64(const std::string& text);

}  // namespace talos_emu
