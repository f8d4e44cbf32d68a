// Parsing a VM's stored config into VmFacts (see vm_facts.h).
#include "proxmox/vm_facts.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "util/ascii.h"

namespace proxmox {
namespace {

// "a=1,b=2,bare" → {a:1, b:2, "":bare} (a value without '=' is PVE's default key).
std::map<std::string, std::string> property_string(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    if (eq == std::string::npos) {
      out[""] = item;
    } else {
      out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    start = comma + 1;
  }
  return out;
}

std::string option(const VmConfig& config, const std::string& key) {
  const auto it = config.options.find(key);
  return it == config.options.end() ? std::string() : it->second;
}

int to_int(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoi(text);
  } catch (const std::exception&) {
    return 0;
  }
}

// net0 "virtio=BC:24:11:00:00:01,bridge=vmbr0": the model key carries the MAC.
std::string mac_of(const std::string& net0) {
  for (const auto& [key, value] : property_string(net0)) {
    if (key == "virtio" || key == "e1000" || key == "vmxnet3" || key == "rtl8139" ||
        key == "macaddr") {
      return util::ascii_lower(value);
    }
  }
  return {};
}

std::string address_of(const std::string& ipconfig0) {
  const std::string ip = property_string(ipconfig0)["ip"];
  if (ip.empty() || ip == "dhcp") {
    return {};
  }
  return ip.substr(0, ip.find('/'));
}

int disk_gib_of(const std::string& scsi0) {
  const auto size = parse_pve_size(property_string(scsi0)["size"]);
  if (!size) {
    return 0;
  }
  constexpr unsigned long long kGib = 1ull << 30;
  return static_cast<int>((*size + kGib - 1) / kGib);
}

// "4096", or "current=4096" (the property-string form PVE 8 also accepts).
int memory_mib_of(const std::string& memory) {
  auto props = property_string(memory);
  return to_int(props.count("current") != 0 ? props["current"] : props[""]);
}

}  // namespace

std::optional<unsigned long long> parse_pve_size(const std::string& text) {
  if (text.empty()) {
    return std::nullopt;
  }
  std::size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || text.size() - digits > 1) {
    return std::nullopt;
  }
  unsigned long long value = std::stoull(text.substr(0, digits));
  const char unit = digits < text.size() ? text[digits] : 'B';
  static const std::map<char, int> kShift = {{'B', 0}, {'K', 10}, {'M', 20}, {'G', 30}, {'T', 40}};
  const auto shift = kShift.find(unit);
  if (shift == kShift.end()) {
    return std::nullopt;
  }
  return value << shift->second;
}

VmFacts vm_facts(const VmConfig& config) {
  VmFacts facts;
  facts.name = option(config, "name");
  facts.cores = to_int(option(config, "cores"));
  facts.memory_mib = memory_mib_of(option(config, "memory"));
  facts.disk_gib = disk_gib_of(option(config, "scsi0"));
  facts.mac = mac_of(option(config, "net0"));
  facts.address = address_of(option(config, "ipconfig0"));
  facts.smbios_uuid = util::ascii_lower(property_string(option(config, "smbios1"))["uuid"]);
  facts.owner = parse_ownership(option(config, "description"));
  return facts;
}

}  // namespace proxmox
