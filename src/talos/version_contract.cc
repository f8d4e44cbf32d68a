// Version contract parsing.
#include "talos/version_contract.h"

#include <charconv>

#include <fmt/format.h>

namespace talos {

util::Result<VersionContract> VersionContract::parse(std::string_view version) {
  std::string_view v = version;
  if (v.starts_with('v')) {
    v.remove_prefix(1);
  }
  VersionContract c;
  const char* p = v.data();
  const char* end = v.data() + v.size();
  auto r1 = std::from_chars(p, end, c.major);
  if (r1.ec != std::errc() || r1.ptr == end || *r1.ptr != '.') {
    return util::Error::invalid_input(fmt::format("invalid Talos version \"{}\"", version))
        .with_hint("write it as vMAJOR.MINOR.PATCH, e.g. v1.11.6");
  }
  auto r2 = std::from_chars(r1.ptr + 1, end, c.minor);
  if (r2.ec != std::errc()) {
    return util::Error::invalid_input(fmt::format("invalid Talos version \"{}\"", version))
        .with_hint("write it as vMAJOR.MINOR.PATCH, e.g. v1.11.6");
  }
  if (!c.at_least(oldest_supported().major, oldest_supported().minor)) {
    return util::Error::invalid_input(fmt::format("Talos {} is older than v1.9", version))
        .with_hint("talforge generates configs for Talos v1.9 and newer");
  }
  if (c.at_least(newest_known().major, newest_known().minor + 1)) {
    c = newest_known();
  }
  return c;
}

std::string VersionContract::name() const {
  return fmt::format("v{}.{}", major, minor);
}

}  // namespace talos
