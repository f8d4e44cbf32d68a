#include "emulators/factory/schematic.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <regex>

#include <fmt/format.h>

#include "util/sha256.h"

namespace factory_emu {
namespace {

using util::Error;
using util::Result;

Result<void> only_keys(const YAML::Node& map, std::initializer_list<const char*> known,
                       const std::string& where) {
  for (const auto& item : map) {
    const std::string key = item.first.as<std::string>();
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
      return Error::invalid_input(fmt::format("field {} not found in type {}", key, where));
    }
  }
  return {};
}

Result<std::string> scalar(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) {
    return Error::invalid_input(fmt::format("{}: expected a string", where));
  }
  return node.Scalar();
}

Result<std::vector<std::string>> strings(const YAML::Node& node, const std::string& where) {
  std::vector<std::string> out;
  if (!node || node.IsNull()) {
    return out;
  }
  if (!node.IsSequence()) {
    return Error::invalid_input(fmt::format("{}: expected a list of strings", where));
  }
  for (const auto& item : node) {
    ASSIGN_OR_RETURN(std::string s, scalar(item, where));
    out.push_back(std::move(s));
  }
  return out;
}

Result<int> meta_key(const YAML::Node& node) {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  static const std::regex number("^(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|[0-9]+)$");
  if (!std::regex_match(text, number)) {
    return Error::invalid_input("customization.meta: key must be an integer 0-255");
  }
  const long value = std::stol(text, nullptr, 0);
  if (value < 0 || value > 255) {
    return Error::invalid_input(fmt::format("customization.meta: key {} is out of 0-255", value));
  }
  return static_cast<int>(value);
}

Result<void> parse_customization(const YAML::Node& c, Schematic& s) {
  if (!c || c.IsNull()) {
    return {};
  }
  if (!c.IsMap()) {
    return Error::invalid_input("customization: expected a mapping");
  }
  RETURN_IF_ERROR(only_keys(
      c, {"extraKernelArgs", "meta", "systemExtensions", "bootloader", "secureboot"},
      "schematic.Customization"));
  ASSIGN_OR_RETURN(s.extra_kernel_args, strings(c["extraKernelArgs"], "extraKernelArgs"));
  if (const YAML::Node meta = c["meta"]; meta && !meta.IsNull()) {
    if (!meta.IsSequence()) {
      return Error::invalid_input("customization.meta: expected a list");
    }
    for (const auto& entry : meta) {
      RETURN_IF_ERROR(only_keys(entry, {"key", "value"}, "schematic.MetaValue"));
      ASSIGN_OR_RETURN(int key, meta_key(entry["key"]));
      std::string value = entry["value"] ? entry["value"].Scalar() : "";
      s.meta.push_back({key, std::move(value)});
    }
  }
  if (const YAML::Node ext = c["systemExtensions"]; ext && !ext.IsNull()) {
    RETURN_IF_ERROR(only_keys(ext, {"officialExtensions"}, "schematic.SystemExtensions"));
    ASSIGN_OR_RETURN(s.official_extensions,
                     strings(ext["officialExtensions"], "officialExtensions"));
  }
  if (c["bootloader"]) {
    ASSIGN_OR_RETURN(s.bootloader, scalar(c["bootloader"], "bootloader"));
  }
  if (const YAML::Node sb = c["secureboot"]; sb && !sb.IsNull()) {
    RETURN_IF_ERROR(only_keys(sb, {"enrollKeys", "includeWellKnownCertificates"},
                              "schematic.SecureBootCustomization"));
    if (sb["enrollKeys"]) {
      ASSIGN_OR_RETURN(s.secureboot_enroll_keys, scalar(sb["enrollKeys"], "enrollKeys"));
    }
    s.secureboot_include_well_known_certificates =
        sb["includeWellKnownCertificates"] && sb["includeWellKnownCertificates"].as<bool>(false);
  }
  return {};
}

// Go yaml.v3 writes a string plain unless it would read back as another type or breaks the
// plain-scalar grammar; then it quotes it. Schematic strings are simple (extension names, kernel
// args), so this covers them; anything odd is double-quoted, which yaml.v3 would also accept.
bool plain_safe(const std::string& s) {
  static const std::regex reserved(
      "^(|~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|"
      "ON|off|Off|OFF|[-+]?[0-9][0-9_]*(\\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\\.[0-9]+|"
      "0[xXoObB][0-9a-fA-F_]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$");
  static const std::regex plain("^[A-Za-z0-9_./=+,()$%@^][^#'\"\\n]*$");
  if (std::regex_match(s, reserved) || !std::regex_match(s, plain)) {
    return false;
  }
  return s.find(": ") == std::string::npos && s.back() != ':' && s.back() != ' ';
}

std::string quoted(const std::string& s) {
  if (plain_safe(s)) {
    return s;
  }
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

void append_list(std::string& out, const std::string& indent,
                 const std::vector<std::string>& items) {
  for (const std::string& item : items) {
    out += indent + "- " + quoted(item) + "\n";
  }
}

}  // namespace

Result<Schematic> parse_schematic(const std::string& body) {
  YAML::Node doc;
  try {
    doc = YAML::Load(body);
  } catch (const YAML::Exception& e) {
    return Error::invalid_input(fmt::format("error parsing schematic: {}", e.what()));
  }
  Schematic s;
  if (!doc || doc.IsNull()) {
    return s;
  }
  if (!doc.IsMap()) {
    return Error::invalid_input("error parsing schematic: expected a mapping");
  }
  RETURN_IF_ERROR(only_keys(doc, {"overlay", "customization"}, "schematic.Schematic"));
  if (const YAML::Node overlay = doc["overlay"]; overlay && !overlay.IsNull()) {
    RETURN_IF_ERROR(only_keys(overlay, {"image", "name", "options"}, "schematic.Overlay"));
    if (overlay["options"] && !overlay["options"].IsNull()) {
      return Error::invalid_input("overlay options are not supported by this emulator");
    }
    s.overlay_image = overlay["image"] ? overlay["image"].Scalar() : "";
    s.overlay_name = overlay["name"] ? overlay["name"].Scalar() : "";
  }
  RETURN_IF_ERROR(parse_customization(doc["customization"], s));
  return s;
}

std::string canonical_yaml(const Schematic& s) {
  std::string out;
  if (!s.overlay_image.empty() || !s.overlay_name.empty()) {
    out += "overlay:\n";
    if (!s.overlay_image.empty()) {
      out += "    image: " + quoted(s.overlay_image) + "\n";
    }
    if (!s.overlay_name.empty()) {
      out += "    name: " + quoted(s.overlay_name) + "\n";
    }
  }
  std::string c;
  if (!s.extra_kernel_args.empty()) {
    c += "    extraKernelArgs:\n";
    append_list(c, "        ", s.extra_kernel_args);
  }
  if (!s.meta.empty()) {
    c += "    meta:\n";
    for (const MetaEntry& m : s.meta) {
      c += fmt::format("        - key: {}\n          value: {}\n", m.key, quoted(m.value));
    }
  }
  if (!s.official_extensions.empty()) {
    c += "    systemExtensions:\n        officialExtensions:\n";
    append_list(c, "            ", s.official_extensions);
  }
  if (!s.bootloader.empty()) {
    c += "    bootloader: " + quoted(s.bootloader) + "\n";
  }
  if (!s.secureboot_enroll_keys.empty() || s.secureboot_include_well_known_certificates) {
    c += "    secureboot:\n";
    if (!s.secureboot_enroll_keys.empty()) {
      c += "        enrollKeys: " + quoted(s.secureboot_enroll_keys) + "\n";
    }
    if (s.secureboot_include_well_known_certificates) {
      c += "        includeWellKnownCertificates: true\n";
    }
  }
  out += c.empty() ? "customization: {}\n" : "customization:\n" + c;
  return out;
}

std::string schematic_id(const Schematic& schematic) {
  return util::sha256_hex(canonical_yaml(schematic));
}

}  // namespace factory_emu
