// Named value formats of the PVE API schema ("format": "pve-vmid", "dns-name", "pve-tag-list", …),
// checked with PVE's error wording. Formats this emulator does not know are accepted.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace pve_emu {

// The reason a value fails `format` (PVE's text, ending in "\n" as PVE's `die` messages do), or
// nullopt when it passes. A "-list" suffix checks every item split on ',', ';' or whitespace.
std::optional<std::string> check_named_format(const std::string& format, const std::string& value);

// Named formats that are property strings in PVE (pve-qm-ipconfig, pve-qm-smbios1, pve-qm-boot,
// pve-vm-cpu-conf, pve-qm-cicustom): an inline-format object like the schema's own, or nullptr.
const nlohmann::json* named_property_format(const std::string& format);

bool is_ipv4(const std::string& text);
bool is_ipv6(const std::string& text);

}  // namespace pve_emu
