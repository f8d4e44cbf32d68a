#include "proxmox/vm_spec.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "util/ascii.h"

namespace proxmox {
namespace {

std::string base64(const std::string& in) {
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {alphabet[v >> 18], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) {
      v |= static_cast<unsigned char>(in[i + 1]) << 8;
    }
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string net0(const VmSpec& spec) {
  std::string value = fmt::format("virtio={},bridge={}", spec.mac, spec.bridge);
  if (spec.vlan) {
    value += fmt::format(",tag={}", *spec.vlan);
  }
  return value;
}

std::string ipconfig0(const VmSpec& spec) {
  std::string value = "ip=" + spec.ip_cidr;
  if (!spec.gateway.empty()) {
    value += ",gw=" + spec.gateway;
  }
  return value;
}

// An empty disk for the ISO route; on the import route PVE copies the image (its virtual size;
// the size number is ignored) and the disk is grown afterwards.
std::string system_disk(const VmSpec& spec) {
  if (spec.boot_disk_image.empty()) {
    return fmt::format("{}:{},discard=on,iothread=1,ssd=1", spec.disk_storage, spec.disk_gib);
  }
  return fmt::format("{}:0,import-from={},discard=on,iothread=1,ssd=1", spec.disk_storage,
                     spec.boot_disk_image);
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& item : items) {
    out += (out.empty() ? "" : separator) + item;
  }
  return out;
}

}  // namespace

std::string ownership_description(const VmSpec& spec) {
  return fmt::format("{}\ncluster: {}\nnode: {}\n", kOwnershipMarker, spec.cluster, spec.name);
}

std::optional<Ownership> parse_ownership(const std::string& description) {
  std::istringstream lines(description);
  std::string line;
  if (!std::getline(lines, line) || line != kOwnershipMarker) {
    return std::nullopt;
  }
  Ownership owner;
  while (std::getline(lines, line)) {
    if (line.rfind("cluster: ", 0) == 0) {
      owner.cluster = line.substr(9);
    } else if (line.rfind("node: ", 0) == 0) {
      owner.node = line.substr(6);
    }
  }
  if (owner.cluster.empty() || owner.node.empty()) {
    return std::nullopt;
  }
  return owner;
}

std::string tags_value(const VmSpec& spec) {
  std::set<std::string> tags = {"talforge", util::ascii_lower(spec.cluster),
                                util::ascii_lower(spec.role)};
  for (const std::string& tag : spec.extra_tags) {
    tags.insert(util::ascii_lower(tag));
  }
  tags.erase("");
  return joined(std::vector<std::string>(tags.begin(), tags.end()), ";");
}

util::Result<void> check_supported(const VmSpec& spec, const PveVersion& version) {
  if (!spec.boot_disk_image.empty() && !version.supports_import_content()) {
    return util::Error::invalid_input(
               fmt::format("VM {} ({}): Proxmox VE {} cannot boot from an imported disk image "
                           "(the 'import' content for disk images arrived in PVE 8.4)",
                           spec.vmid, spec.name, version.text))
        .with_hint("boot from the Talos ISO (the default), or upgrade Proxmox VE to 8.4 or later");
  }
  return {};
}

Params create_params(const VmSpec& spec, const PveVersion& version) {
  Params p = {
      {"vmid", std::to_string(spec.vmid)},
      {"name", spec.name},
      {"description", ownership_description(spec)},
      {"tags", tags_value(spec)},
      {"ostype", "l26"},
      {"machine", "q35"},
      {"bios", "seabios"},
      {"cpu", spec.cpu_type},
      {"sockets", "1"},
      {"cores", std::to_string(spec.cores)},
      {"memory", std::to_string(spec.memory_mib)},
      {"balloon", "0"},
      {"hotplug", "network,disk,usb"},
      {"scsihw", "virtio-scsi-single"},
      {"scsi0", system_disk(spec)},
      {"ide2",
       fmt::format("{}:cloudinit",
                   spec.cloudinit_storage.empty() ? spec.disk_storage : spec.cloudinit_storage)},
      {"net0", net0(spec)},
      {"ipconfig0", ipconfig0(spec)},
      {"serial0", "socket"},
      {"smbios1",
       fmt::format("uuid={},serial={},base64=1", spec.smbios_uuid, base64("h=" + spec.name))},
      {"agent", spec.guest_agent ? "1" : "0"},
      {"onboot", "1"},
  };
  if (spec.boot_disk_image.empty()) {
    p.push_back({"ide3", spec.boot_iso + ",media=cdrom"});
    p.push_back({"boot", "order=scsi0;ide3"});
  } else {
    p.push_back({"boot", "order=scsi0"});
  }
  if (!spec.nameservers.empty()) {
    p.push_back({"nameserver", joined(spec.nameservers, " ")});
  }
  (void)version;  // every parameter above is accepted by 7.4, 8.x and 9.x (check_supported)
  return p;
}

}  // namespace proxmox
