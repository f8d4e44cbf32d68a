#include "emulators/proxmox/boot_image.h"

#include <algorithm>
#include <sstream>

namespace pve_emu {

bool BootImage::has_extension(const std::string& name) const {
  return std::find(extensions.begin(), extensions.end(), name) != extensions.end();
}

std::optional<BootImage> parse_boot_image(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line) || line.rfind("talforge-emulated-talos-asset v1", 0) != 0) {
    return std::nullopt;
  }
  BootImage image;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    const std::string key = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value = value.substr(0, value.find_first_of(" #"));
    if (key == "schematic") {
      image.schematic = value;
    } else if (key == "version") {
      image.version = value;
    } else if (key == "platform") {
      image.platform = value;
    } else if (key == "kind") {
      image.kind = value;
    } else if (key == "extensions") {
      std::stringstream list(value);
      std::string item;
      while (std::getline(list, item, ',')) {
        if (!item.empty()) {
          image.extensions.push_back(item);
        }
      }
    }
  }
  if (image.schematic.empty() || image.version.empty()) {
    return std::nullopt;
  }
  return image;
}

}  // namespace pve_emu
