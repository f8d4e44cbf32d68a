#include "proxmox/pve_version.h"

#include <regex>

#include <fmt/format.h>

namespace proxmox {

util::Result<PveVersion> parse_pve_version(const std::string& version) {
  static const std::regex form(R"(^([0-9]+)\.([0-9]+)(?:[.-]([0-9]+))?.*$)");
  std::smatch m;
  if (!std::regex_match(version, m, form)) {
    return util::Error::internal(
        fmt::format("cannot read the Proxmox version \"{}\" (expected like 8.2.2 or 7.4-16)",
                    version));
  }
  PveVersion v;
  v.major = std::stoi(m[1]);
  v.minor = std::stoi(m[2]);
  v.patch = m[3].matched ? std::stoi(m[3]) : 0;
  v.text = version;
  return v;
}

}  // namespace proxmox
