#include "emulators/proxmox/formats.h"

#include <arpa/inet.h>

#include <regex>
#include <vector>

namespace pve_emu {
namespace {

using nlohmann::json;

bool matches(const std::string& value, const char* pattern,
             std::regex::flag_type flags = std::regex::ECMAScript) {
  return std::regex_match(value, std::regex(pattern, flags));
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::string current;
  for (char c : text) {
    if (c == ',' || c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      if (!current.empty()) {
        items.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    items.push_back(current);
  }
  return items;
}

bool is_cidr(const std::string& text, bool v6) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) {
    return false;
  }
  const std::string prefix = text.substr(slash + 1);
  if (prefix.empty() || prefix.size() > 3 || !matches(prefix, "[0-9]+")) {
    return false;
  }
  const int length = std::stoi(prefix);
  const std::string address = text.substr(0, slash);
  return v6 ? (is_ipv6(address) && length <= 128) : (is_ipv4(address) && length <= 32);
}

bool is_volume_id(const std::string& v) { return matches(v, R"(([^:\s]+):(\S+))"); }

std::optional<std::string> check_single(const std::string& format, const std::string& v) {
  if (format == "pve-vmid") {
    if (!matches(v, "[1-9][0-9]{2,8}")) {
      return "value does not look like a valid VM ID\n";
    }
  } else if (format == "pve-node") {
    if (!matches(v, "[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?")) {
      return "value does not look like a valid node name\n";
    }
  } else if (format == "pve-storage-id") {
    if (!matches(v, "[a-z][a-z0-9\\-_.]*[a-z0-9]", std::regex::icase)) {
      return "storage ID '" + v + "' contains illegal characters\n";
    }
  } else if (format == "pve-configid") {
    if (!matches(v, "[a-z][a-z0-9_\\-]+", std::regex::icase)) {
      return "invalid configuration ID '" + v + "'\n";
    }
  } else if (format == "dns-name") {
    if (!matches(v, R"(([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)")) {
      return "value does not look like a valid DNS name\n";
    }
  } else if (format == "pve-tag") {
    if (!matches(v, R"([a-z0-9_][a-z0-9_\-+.]*)", std::regex::icase)) {
      return "invalid characters in tag\n";
    }
  } else if (format == "mac-addr") {
    if (!matches(v, "[a-f0-9][02468ace](:[a-f0-9]{2}){5}", std::regex::icase)) {
      return "value does not look like a valid unicast MAC address\n";
    }
  } else if (format == "ipv4") {
    if (!is_ipv4(v)) {
      return "value does not look like a valid IPv4 address\n";
    }
  } else if (format == "ipv6") {
    if (!is_ipv6(v)) {
      return "value does not look like a valid IPv6 address\n";
    }
  } else if (format == "ip" || format == "address") {
    if (!is_ipv4(v) && !is_ipv6(v)) {
      return "value does not look like a valid IP address\n";
    }
  } else if (format == "pve-ipv4-config") {
    if (v != "dhcp" && !is_cidr(v, false)) {
      return "value does not look like a valid IPv4 network configuration\n";
    }
  } else if (format == "pve-ipv6-config") {
    if (v != "dhcp" && v != "auto" && !is_cidr(v, true)) {
      return "value does not look like a valid IPv6 network configuration\n";
    }
  } else if (format == "pve-volume-id") {
    if (!is_volume_id(v)) {
      return "unable to parse volume ID '" + v + "'\n";
    }
  } else if (format == "pve-volume-id-or-qm-path") {
    if (v != "none" && v != "cdrom" && v.rfind('/', 0) != 0 && !is_volume_id(v) &&
        !matches(v, R"(\d+(\.\d+)?)")) {
      return "unable to parse volume ID '" + v + "'\n";
    }
  } else if (format == "pve-volume-id-or-absolute-path") {
    if (v.rfind('/', 0) != 0 && !is_volume_id(v)) {
      return "unable to parse volume ID '" + v + "'\n";
    }
  } else if (format == "pve-storage-content") {
    if (!matches(v, "images|rootdir|vztmpl|iso|backup|snippets|import|none")) {
      return "invalid content type '" + v + "'\n";
    }
  } else if (format == "disk-size") {
    if (!matches(v, R"(\d+(\.\d+)?[KMGT]?)")) {
      return "unable to parse size '" + v + "'\n";
    }
  } else if (format == "pve-bridge-id") {
    if (!matches(v, R"([\-_.\w\d]+)")) {
      return "invalid bridge ID '" + v + "'\n";
    }
  } else if (format == "uuid") {
    if (!matches(v, "[a-f0-9]{8}-([a-f0-9]{4}-){3}[a-f0-9]{12}", std::regex::icase)) {
      return "value does not look like a valid UUID\n";
    }
  }
  return std::nullopt;
}

json property(const char* type, json extra = json::object()) {
  json p = {{"type", type}, {"optional", 1}};
  p.update(extra);
  return p;
}

json named_formats() {
  const json base64 = property("string", {{"pattern", "[A-Za-z0-9+/]+={0,2}"}});
  json formats;
  formats["pve-qm-ipconfig"] = {
      {"ip", property("string", {{"format", "pve-ipv4-config"}})},
      {"gw", property("string", {{"format", "ipv4"}})},
      {"ip6", property("string", {{"format", "pve-ipv6-config"}})},
      {"gw6", property("string", {{"format", "ipv6"}})},
  };
  formats["pve-qm-smbios1"] = {
      {"uuid", property("string", {{"format", "uuid"}})},
      {"base64", property("boolean")},
      {"family", base64},
      {"manufacturer", base64},
      {"product", base64},
      {"serial", base64},
      {"sku", base64},
      {"version", base64},
  };
  formats["pve-qm-boot"] = {
      {"legacy", property("string", {{"pattern", "[acdn]{1,4}"}, {"default_key", 1}})},
      {"order", property("string", {{"pattern",
                                     R"(((ide|sata|scsi|virtio|net|usb|hostpci|efidisk|tpmstate)\d+)(;(ide|sata|scsi|virtio|net|usb|hostpci|efidisk|tpmstate)\d+)*)"}})},
  };
  formats["pve-vm-cpu-conf"] = {
      {"cputype", property("string", {{"default_key", 1}})},
      {"flags", property("string", {{"pattern", R"([+-][a-zA-Z0-9\-_.]+(;[+-][a-zA-Z0-9\-_.]+)*)"}})},
      {"hidden", property("boolean")},
      {"hv-vendor-id", property("string")},
      {"phys-bits", property("string", {{"pattern", R"(host|\d+)"}})},
      {"reported-model", property("string")},
  };
  formats["pve-qm-cicustom"] = {
      {"user", property("string", {{"format", "pve-volume-id"}})},
      {"network", property("string", {{"format", "pve-volume-id"}})},
      {"meta", property("string", {{"format", "pve-volume-id"}})},
      {"vendor", property("string", {{"format", "pve-volume-id"}})},
  };
  return formats;
}

}  // namespace

bool is_ipv4(const std::string& text) {
  in_addr addr{};
  return inet_pton(AF_INET, text.c_str(), &addr) == 1;
}

bool is_ipv6(const std::string& text) {
  in6_addr addr{};
  return inet_pton(AF_INET6, text.c_str(), &addr) == 1;
}

std::optional<std::string> check_named_format(const std::string& format, const std::string& value) {
  if (format == "pve-tag-list" || format == "address-list" || format == "ip-list" ||
      (format.size() > 5 && format.ends_with("-list"))) {
    std::string item_format = format.substr(0, format.size() - 5);
    if (format == "address-list" || format == "ip-list") {
      item_format = "ip";
    }
    for (const std::string& item : split_list(value)) {
      if (auto error = check_single(item_format, item)) {
        return error;
      }
    }
    return std::nullopt;
  }
  return check_single(format, value);
}

const nlohmann::json* named_property_format(const std::string& format) {
  static const json formats = named_formats();
  auto it = formats.find(format);
  return it == formats.end() ? nullptr : &*it;
}

}  // namespace pve_emu
