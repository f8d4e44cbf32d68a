// The Talos version contract: which config features a generated config may use (talos.md §4.3).
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace talos {

struct VersionContract {
  int major = 1;
  int minor = 11;

  // Parses "v1.11.6", "1.11" or "v1.14.0-rc.1"; minors above the newest known contract are
  // clamped to it (a new Talos accepts older contracts), minors below v1.9 are refused.
  static util::Result<VersionContract> parse(std::string_view version);
  static VersionContract newest_known() { return {1, 13}; }
  static VersionContract oldest_supported() { return {1, 9}; }

  bool at_least(int maj, int min) const { return major > maj || (major == maj && minor >= min); }
  std::string name() const;  // "v1.11"
};

}  // namespace talos
