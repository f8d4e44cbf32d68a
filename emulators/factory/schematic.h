// Schematics as the Image Factory treats them (talos.md §8): strict parse of the posted YAML or
// JSON, re-serialisation to the canonical YAML, and the ID = SHA-256 of that text. Written apart
// from talforge's src/factory so that the two must agree on the published test vectors rather
// than on shared code.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace factory_emu {

struct MetaEntry {
  int key = 0;
  std::string value;
};

struct Schematic {
  // overlay (SBC images); options kept as canonical YAML lines of the options mapping.
  std::string overlay_image;
  std::string overlay_name;
  std::vector<std::string> extra_kernel_args;
  std::vector<MetaEntry> meta;
  std::vector<std::string> official_extensions;
  std::string bootloader;
  std::string secureboot_enroll_keys;
  bool secureboot_include_well_known_certificates = false;
};

// InvalidInput with the factory-style reason for unknown fields and wrong types.
util::Result<Schematic> parse_schematic(const std::string& body);

std::string canonical_yaml(const Schematic& schematic);

// Lower-case hex SHA-256 of canonical_yaml(schematic).
std::string schematic_id(const Schematic& schematic);

}  // namespace factory_emu
