// Internal to machine_config.cc: the semantic validation rules Talos applies to a decoded machine
// config (talos.md §4.7), beyond what the JSON Schema can express.
#pragma once

#include <string>
#include <vector>

#include "emulators/talos/machine_config.h"
#include "emulators/talos/machine_config_doc.h"

namespace talos_emu {

// Returns one message per broken rule (empty = valid); appends non-fatal findings to `warnings`.
std::vector<std::string> check_config_rules(const config_doc::Documents& docs,
                                            const AcceptOptions& options,
                                            std::vector<std::string>& warnings);

}  // namespace talos_emu
