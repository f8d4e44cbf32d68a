// Boot assets served under /image/<schematic>/<version>/<path> (talos.md §8). The emulator serves
// small stand-in files whose text names what a real asset would boot, so the Proxmox emulator can
// start a VM booted from one as that Talos version with that schematic's extensions:
//
//   talforge-emulated-talos-asset v1
//   schematic: <64 hex>
//   version: v1.11.6
//   platform: metal
//   arch: amd64
//   kind: iso
//   extensions: siderolabs/qemu-guest-agent,siderolabs/iscsi-tools
//   secureboot: false
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace factory_emu {

struct AssetPath {
  std::string platform;  // metal, nocloud, … ("" for kernel/initramfs/installer)
  std::string arch;      // amd64, arm64
  std::string kind;      // iso, raw.xz, raw.zst, raw, qcow2, kernel, initramfs, cmdline, uki, installer
  bool secureboot = false;
};

// nullopt when the path is not one of the factory's asset forms.
std::optional<AssetPath> parse_asset_path(const std::string& path);

std::string stand_in_asset(const AssetPath& asset, const std::string& schematic_id,
                           const std::string& version,
                           const std::vector<std::string>& extensions);

}  // namespace factory_emu
