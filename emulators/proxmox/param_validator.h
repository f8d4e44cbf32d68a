// Validates request parameters against one method's "parameters" schema from apidata.json, the
// way PVE's JSONSchema does: unknown names, missing required ones, types, enums, ranges, lengths,
// patterns, named formats and the keys of property strings (proxmox.md §1.3, §1.5).
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace pve_emu {

// Parameters as strings, whatever the wire encoding (JSON true/false arrive as "1"/"0").
using Params = std::map<std::string, std::string>;
// Parameter name → PVE's message, as in the `errors` member of a 400 body.
using ParamErrors = std::map<std::string, std::string>;

ParamErrors validate_parameters(const nlohmann::json& parameters_schema, const Params& params);

// The schema entry for a concrete name: "net0" → "net[n]" when 0 is within the described range.
const nlohmann::json* find_property(const nlohmann::json& properties, const std::string& name);

// Top-level booleans must be 0/1; inside property strings PVE also takes on/off/yes/no/true/false.
bool parse_bool_text(const std::string& text, bool* out);

}  // namespace pve_emu
