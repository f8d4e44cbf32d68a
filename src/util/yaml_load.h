// YAML text → util::Tree (ordered JSON), resolving plain scalars the way Go's yaml.v3 does
// (true/false, null, integers, floats; quoted scalars stay strings). yaml-cpp exceptions are
// caught here and become errors with line and column.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "util/result.h"
#include "util/yaml_emit.h"

namespace util {

// Parses a single-document YAML text. `origin` names the input in error messages.
Result<Tree> load_yaml(std::string_view text, std::string_view origin);

// Parses a YAML stream of one or more documents (empty documents are skipped).
Result<std::vector<Tree>> load_yaml_stream(std::string_view text, std::string_view origin);

// Converts an already parsed yaml-cpp node.
Tree yaml_to_tree(const YAML::Node& node);

// How yaml.v3 reads a plain (unquoted) scalar.
Tree resolve_plain_scalar(const std::string& s);

}  // namespace util
