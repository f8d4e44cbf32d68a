// The Kubeconfig RPC's payload (talos.md §2.4): a fresh admin kubeconfig, as a gzip'd tar with a
// single `kubeconfig` entry and no end-of-archive blocks (as Talos writes it).
#pragma once

#include <string>

#include "emulators/talos/machine_config.h"
#include "util/result.h"

namespace talos_emu {

util::Result<std::string> admin_kubeconfig_yaml(const MachineConfig& config);
std::string tar_gzip_single_file(const std::string& name, const std::string& content);
std::string base64_encode(const std::string& bytes);

}  // namespace talos_emu
