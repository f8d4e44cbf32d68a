// Reads the Image Factory emulator's stand-in asset text (emulators/factory/README.md) stored in
// a volume, to learn which Talos version and extensions a VM booted from it runs.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace pve_emu {

struct BootImage {
  std::string schematic;
  std::string version;   // "v1.11.6"
  std::string platform;  // nocloud, metal
  std::string kind;      // iso, raw, qcow2 …
  std::vector<std::string> extensions;

  bool has_extension(const std::string& name) const;
};

// nullopt when `text` is not a stand-in asset (a real image, or garbage).
std::optional<BootImage> parse_boot_image(const std::string& text);

}  // namespace pve_emu
