// The order in which Go's yaml.v3 writes map keys: a "natural" order where runs of digits
// compare as numbers and letters sort before other characters.
#pragma once

#include <string_view>

#include "util/yaml_emit.h"

namespace util {

bool yaml_key_less(std::string_view a, std::string_view b);

// Returns `object` with its keys in yaml_key_less order (recursively when `deep`).
Tree sort_keys(const Tree& object, bool deep);

}  // namespace util
