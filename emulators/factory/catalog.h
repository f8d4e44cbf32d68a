// What the emulated factory offers: Talos versions and official extensions (talos.md §0, §8).
#pragma once

#include <string>
#include <vector>

namespace factory_emu {

struct Extension {
  std::string name;         // "siderolabs/qemu-guest-agent"
  std::string ref;          // "ghcr.io/siderolabs/qemu-guest-agent:<tag>"
  std::string digest;       // "sha256:…" (stand-in, stable per name and Talos version)
  std::string author;
  std::string description;
};

// Newest last, as the real /versions lists them.
const std::vector<std::string>& talos_versions();

bool is_known_version(const std::string& version);

std::vector<Extension> official_extensions(const std::string& talos_version);

bool is_official_extension(const std::string& talos_version, const std::string& name);

}  // namespace factory_emu
