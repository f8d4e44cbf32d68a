// YAML text in the exact style of Go's yaml.v3 encoder with 4-space indentation — the style of
// Talos machine configs, secrets bundles and talosconfig files, so our output matches theirs
// byte for byte.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace util {

using Tree = nlohmann::ordered_json;

// Emits one document (no leading "---"). Objects keep their insertion order; empty objects and
// arrays print as {} and []; strings are quoted only where yaml.v3 would quote them.
std::string emit_yaml(const Tree& doc);

// Emits several documents separated by "---" lines, as Talos writes multi-document configs.
std::string emit_yaml_stream(const std::vector<Tree>& docs);

// True when yaml.v3 would write `s` without quotes as a plain scalar (exposed for tests).
bool yaml_plain_allowed(const std::string& s);

}  // namespace util
