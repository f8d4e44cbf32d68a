#include "emulators/factory/catalog.h"

#include <openssl/evp.h>

#include <algorithm>

#include <fmt/format.h>

namespace factory_emu {
namespace {

struct ExtensionSpec {
  const char* name;
  const char* tag;  // extension image tag scheme: most follow the Talos version
  const char* description;
};

// The extensions a Proxmox homelab asks for, plus a few common ones. Tags marked "" follow the
// Talos version itself.
constexpr ExtensionSpec kExtensions[] = {
    {"siderolabs/qemu-guest-agent", "10.0.2", "QEMU guest agent for Proxmox and libvirt"},
    {"siderolabs/iscsi-tools", "v0.2.0", "iSCSI tools for storage CSIs"},
    {"siderolabs/util-linux-tools", "2.41.1", "util-linux tools (fstrim, lsblk) for storage CSIs"},
    {"siderolabs/intel-ucode", "20250812", "Intel CPU microcode"},
    {"siderolabs/amd-ucode", "20250917", "AMD CPU microcode"},
    {"siderolabs/nut-client", "2.8.4", "Network UPS Tools client"},
    {"siderolabs/tailscale", "1.88.3", "Tailscale mesh VPN"},
    {"siderolabs/drbd", "", "DRBD kernel module"},
    {"siderolabs/zfs", "", "ZFS kernel module and tools"},
};

std::string stand_in_digest(const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest, &size, EVP_sha256(), nullptr);
  std::string hex = "sha256:";
  for (unsigned int i = 0; i < size; ++i) {
    hex += fmt::format("{:02x}", digest[i]);
  }
  return hex;
}

}  // namespace

const std::vector<std::string>& talos_versions() {
  static const std::vector<std::string> versions = {
      "v1.9.0",  "v1.9.6",  "v1.10.0", "v1.10.9", "v1.11.0",
      "v1.11.6", "v1.12.0", "v1.12.11", "v1.13.0", "v1.13.9",
  };
  return versions;
}

bool is_known_version(const std::string& version) {
  const auto& all = talos_versions();
  return std::find(all.begin(), all.end(), version) != all.end();
}

std::vector<Extension> official_extensions(const std::string& talos_version) {
  std::vector<Extension> out;
  for (const ExtensionSpec& spec : kExtensions) {
    const std::string tag = *spec.tag ? spec.tag : talos_version;
    const std::string short_name = std::string(spec.name).substr(std::string("siderolabs/").size());
    const std::string ref = fmt::format("ghcr.io/siderolabs/{}:{}", short_name, tag);
    out.push_back({spec.name, ref, stand_in_digest(ref + "@" + talos_version), "Sidero Labs",
                   spec.description});
  }
  return out;
}

bool is_official_extension(const std::string& talos_version, const std::string& name) {
  for (const ExtensionSpec& spec : kExtensions) {
    if (name == spec.name) {
      return true;
    }
  }
  return false;
}

}  // namespace factory_emu
