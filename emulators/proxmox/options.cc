#include "emulators/proxmox/options.h"

#include <fmt/format.h>

namespace pve_emu {

util::Result<PveVersion> parse_pve_version(const std::string& text) {
  PveVersion v;
  if (text == "7.4") {
    v = {7, 4, "7.4-19", "f98bf8d4", "apidata-pve7.4.json"};
  } else if (text.size() == 3 && text.rfind("8.", 0) == 0 && text[2] >= '0' && text[2] <= '4') {
    const int minor = text[2] - '0';
    v = {8, minor, fmt::format("8.{}.{}", minor, minor == 4 ? 1 : 4), "2a5fa54a8503f96d",
         "apidata.json"};
  } else if (text == "9.0" || text == "9.1") {
    v = {9, text[2] - '0', text == "9.0" ? "9.0.4" : "9.1.1", "39d8a4de7dfb2c40",
         "apidata-pve9.1.json"};
  } else {
    return util::Error::invalid_input(
        fmt::format("unsupported --pve-version \"{}\"", text))
        .with_hint("use 7.4, 8.0 … 8.4, 9.0 or 9.1");
  }
  return v;
}

}  // namespace pve_emu
