// The Image Factory's HTTP API as talforge uses it (talos.md §8): register the cluster's
// schematic, and name the boot assets PVE should download.
#pragma once

#include <chrono>
#include <string>

#include "factory/schematic.h"
#include "util/result.h"

namespace factory {

struct BootAsset {
  std::string url;       // <factory>/image/<id>/<version>/<platform>-amd64.iso
  std::string filename;  // a name PVE accepts as an ISO file (safe characters, .iso)
};

// POST /schematics; the ID the factory returns must equal our own computation (a mismatch means
// the factory canonicalises differently and every image talforge names would be wrong).
util::Result<std::string> register_schematic(const std::string& factory_url,
                                             const Schematic& schematic,
                                             std::chrono::milliseconds timeout =
                                                 std::chrono::seconds(30));

BootAsset boot_iso(const std::string& factory_url, const std::string& schematic_id,
                   const std::string& talos_version, const std::string& platform);

}  // namespace factory
