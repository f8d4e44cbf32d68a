// Image Factory schematics (talos.md §8): the model, strict parsing, the canonical YAML the
// factory re-serialises to, and the schematic ID = SHA-256 of that canonical text.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"
#include "util/yaml_emit.h"

namespace factory {

struct MetaValue {
  int key = 0;  // 0-255
  std::string value;
};

struct Overlay {
  std::string image;
  std::string name;
  util::Tree options = util::Tree::object();
};

struct Schematic {
  std::optional<Overlay> overlay;
  std::vector<std::string> extra_kernel_args;
  std::vector<MetaValue> meta;
  std::vector<std::string> official_extensions;
  std::string bootloader;
  std::string secureboot_enroll_keys;
  bool secureboot_include_well_known_certificates = false;
};

// Parses a schematic YAML (or JSON) document; unknown fields are errors, as at the factory.
util::Result<Schematic> parse_schematic(std::string_view text, std::string_view origin);

// The schematic for a cluster: official extensions deduplicated and sorted, kernel args kept in
// the given order (their order is meaningful on the kernel command line).
Schematic make_schematic(std::vector<std::string> extensions,
                         std::vector<std::string> extra_kernel_args);

// The factory's canonical re-serialisation (yaml.v3, 4-space indent, empty sections dropped).
std::string canonical_yaml(const Schematic& schematic);

// SHA-256 (lower-case hex) of canonical_yaml(schematic).
std::string schematic_id(const Schematic& schematic);

}  // namespace factory
