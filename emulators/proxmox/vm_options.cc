#include "emulators/proxmox/vm_options.h"

#include <openssl/rand.h>

#include <regex>

#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/permissions.h"
#include "emulators/proxmox/property_string.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {
namespace {

std::string privilege_for(const std::string& key, const std::string& value) {
  static const std::regex kCloudInit(
      R"(ipconfig\d+|nameserver|searchdomain|cicustom|sshkeys|ciuser|cipassword|ciupgrade|citype)");
  static const std::regex kHw(R"(machine|scsihw|smbios1|vga|serial\d+|rng0|usb\d+|hostpci\d+|audio0|tpmstate0|watchdog)");
  if (key == "cores" || key == "sockets" || key == "cpu" || key == "numa" || key == "vcpus" ||
      key == "cpulimit" || key == "cpuunits" || key == "affinity") {
    return "VM.Config.CPU";
  }
  if (key == "memory" || key == "balloon" || key == "shares") {
    return "VM.Config.Memory";
  }
  if (key.rfind("net", 0) == 0) {
    return "VM.Config.Network";
  }
  if (std::regex_match(key, kCloudInit)) {
    return "VM.Config.Cloudinit";
  }
  if (std::regex_match(key, kHw)) {
    return "VM.Config.HWType";
  }
  if (is_disk_key(key) || key == "boot" || key == "bootdisk") {
    if (value.find("media=cdrom") != std::string::npos || value == "none" || value == "cdrom") {
      return "VM.Config.CDROM";
    }
    return "VM.Config.Disk";
  }
  return "VM.Config.Options";
}

std::string random_hex_bytes(int count, const char* separator) {
  unsigned char bytes[16];
  RAND_bytes(bytes, count);
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += fmt::format("{}{:02X}", i == 0 ? "" : separator, bytes[i]);
  }
  return out;
}

std::string first_key(const std::map<std::string, std::string>& config, bool want_cdrom,
                      const char* prefix_pattern) {
  const std::regex pattern(prefix_pattern);
  for (const auto& [key, value] : config) {
    if (!std::regex_match(key, pattern)) {
      continue;
    }
    const bool cdrom = value.find("media=cdrom") != std::string::npos;
    if (cdrom == want_cdrom && value.find("cloudinit") == std::string::npos) {
      return key;
    }
  }
  return "";
}

}  // namespace

std::string random_uuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    hex += fmt::format("{:02x}", b[i]);
    if (i == 3 || i == 5 || i == 7 || i == 9) {
      hex += '-';
    }
  }
  return hex;
}

std::optional<Reply> check_option_privileges(const std::set<std::string>& privileges, int vmid,
                                             const std::map<std::string, std::string>& options) {
  for (const auto& [key, value] : options) {
    const std::string priv = privilege_for(key, value);
    if (priv == "VM.Config.Cloudinit" && privileges.contains("VM.Config.Network")) {
      continue;
    }
    if (auto denied = require_privilege(privileges, fmt::format("/vms/{}", vmid), priv)) {
      return reply_error(403, *denied);
    }
  }
  return std::nullopt;
}

bool hotpluggable(const std::string& key, const std::string& hotplug_setting) {
  static const std::regex kFast(
      R"(name|description|tags|onboot|protection|lock|startup|template|unused\d+)");
  if (std::regex_match(key, kFast)) {
    return true;
  }
  const std::string hotplug = hotplug_setting.empty() ? "network,disk,usb" : hotplug_setting;
  auto enabled = [&](const char* feature) {
    return hotplug == "1" || hotplug.find(feature) != std::string::npos;
  };
  if (key.rfind("net", 0) == 0) {
    return enabled("network");
  }
  if (is_disk_key(key)) {
    return enabled("disk");
  }
  if (key == "memory" || key == "balloon") {
    return enabled("memory");
  }
  // CPU hot-plug adds vCPUs up to cores×sockets; the topology itself never changes live.
  if (key == "vcpus") {
    return enabled("cpu");
  }
  return false;
}

void add_create_defaults(std::map<std::string, std::string>& config, bool bc2411_mac_prefix) {
  for (auto& [key, value] : config) {
    if (!std::regex_match(key, std::regex(R"(net\d+)"))) {
      continue;
    }
    PropertyString p = parse_property_string(value, "model").value;
    std::string model = p.get("model").value_or("");
    for (const auto& [k, v] : p.items) {  // "virtio=<mac>" form
      if (k != "model" && k != "bridge" && k != "tag" && k != "firewall" && k != "macaddr" &&
          k != "mtu" && k != "queues" && k != "rate" && k != "link_down" && k != "trunks") {
        model = k;
        p.set("macaddr", v);
      }
    }
    p.erase(model);
    p.erase("model");
    std::string mac = p.get("macaddr").value_or("");
    if (mac.empty()) {
      mac = bc2411_mac_prefix ? "BC:24:11:" + random_hex_bytes(3, ":")
                              : fmt::format("{:02X}:", 0x02) + random_hex_bytes(5, ":");
    }
    p.erase("macaddr");
    PropertyString stored;
    stored.items.emplace_back(model, mac);
    for (const auto& item : p.items) {
      stored.items.push_back(item);
    }
    value = stored.str();
  }
  if (!config.contains("smbios1")) {
    config["smbios1"] = "uuid=" + random_uuid();
  }
  if (!config.contains("vmgenid") || config["vmgenid"] == "1") {
    config["vmgenid"] = random_uuid();
  } else if (config["vmgenid"] == "0") {
    config.erase("vmgenid");
  }
  config["meta"] = fmt::format("creation-qemu=9.0.2,ctime={}", now_epoch());
  if (!config.contains("boot")) {
    std::string order;
    for (const std::string& key :
         {first_key(config, false, R"((scsi|virtio|sata|ide)\d+)"),
          first_key(config, true, R"((ide|sata|scsi)\d+)"), first_key(config, false, R"(net\d+)")}) {
      if (!key.empty()) {
        order += (order.empty() ? "" : ";") + key;
      }
    }
    if (!order.empty()) {
      config["boot"] = "order=" + order;
    }
  }
}

}  // namespace pve_emu
