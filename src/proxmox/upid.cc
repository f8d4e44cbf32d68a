#include "proxmox/upid.h"

#include <regex>

#include <fmt/format.h>

namespace proxmox {

util::Result<Upid> parse_upid(const std::string& text) {
  static const std::regex form(
      R"(^UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):)"
      R"(([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$)");
  std::smatch m;
  if (!std::regex_match(text, m, form)) {
    return util::Error::internal(
        fmt::format("Proxmox returned \"{}\" where a task id (UPID) was expected", text));
  }
  return Upid{text, m[1], std::stoull(m[5], nullptr, 16), m[6], m[7], m[8]};
}

}  // namespace proxmox
