#include "emulators/factory/boot_asset.h"

#include <regex>

#include <fmt/format.h>

namespace factory_emu {

std::optional<AssetPath> parse_asset_path(const std::string& path) {
  static const std::regex image(
      "^([a-z0-9]+)-(amd64|arm64)(-secureboot)?\\.(iso|raw\\.xz|raw\\.zst|raw|qcow2)$");
  static const std::regex uki("^([a-z0-9]+)-(amd64|arm64)(-secureboot)?-uki\\.efi$");
  static const std::regex kernel("^kernel-(amd64|arm64)$");
  static const std::regex initramfs("^initramfs-(amd64|arm64)\\.xz$");
  static const std::regex cmdline("^cmdline-([a-z0-9]+)-(amd64|arm64)$");
  static const std::regex installer("^(?:([a-z0-9]+)-)?installer-(amd64|arm64)\\.tar$");
  std::smatch m;
  if (std::regex_match(path, m, image)) {
    return AssetPath{m[1], m[2], m[4], m[3].matched};
  }
  if (std::regex_match(path, m, uki)) {
    return AssetPath{m[1], m[2], "uki", m[3].matched};
  }
  if (std::regex_match(path, m, kernel)) {
    return AssetPath{"", m[1], "kernel", false};
  }
  if (std::regex_match(path, m, initramfs)) {
    return AssetPath{"", m[1], "initramfs", false};
  }
  if (std::regex_match(path, m, cmdline)) {
    return AssetPath{m[1], m[2], "cmdline", false};
  }
  if (std::regex_match(path, m, installer)) {
    return AssetPath{m[1].matched ? m[1].str() : "", m[2], "installer", false};
  }
  return std::nullopt;
}

std::string stand_in_asset(const AssetPath& asset, const std::string& schematic_id,
                           const std::string& version,
                           const std::vector<std::string>& extensions) {
  std::string joined;
  for (const std::string& e : extensions) {
    joined += (joined.empty() ? "" : ",") + e;
  }
  return fmt::format(
      "talforge-emulated-talos-asset v1\nschematic: {}\nversion: {}\nplatform: {}\narch: {}\n"
      "kind: {}\nextensions: {}\nsecureboot: {}\n",
      schematic_id, version, asset.platform, asset.arch, asset.kind, joined, asset.secureboot);
}

}  // namespace factory_emu
