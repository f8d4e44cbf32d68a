// ASCII case folding for identifiers that protocols compare case-insensitively (PVE tags, MACs,
// UUIDs); not for human text.
#pragma once

#include <algorithm>
#include <string>

namespace util {

inline std::string ascii_lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return text;
}

}  // namespace util
