#include "emulators/proxmox/property_string.h"

#include <algorithm>

namespace pve_emu {

std::optional<std::string> PropertyString::get(const std::string& key) const {
  for (const auto& [k, v] : items) {
    if (k == key) {
      return v;
    }
  }
  return std::nullopt;
}

void PropertyString::set(const std::string& key, const std::string& value) {
  for (auto& [k, v] : items) {
    if (k == key) {
      v = value;
      return;
    }
  }
  items.emplace_back(key, value);
}

void PropertyString::erase(const std::string& key) {
  std::erase_if(items, [&](const auto& item) { return item.first == key; });
}

std::string PropertyString::str(const std::string& default_key) const {
  std::string out;
  if (!default_key.empty()) {
    if (auto v = get(default_key)) {
      out = *v;
    }
  }
  for (const auto& [k, v] : items) {
    if (!default_key.empty() && k == default_key) {
      continue;
    }
    if (!out.empty()) {
      out += ',';
    }
    out += k + "=" + v;
  }
  return out;
}

std::string PropertyString::sorted_str(const std::string& default_key) const {
  PropertyString sorted = *this;
  std::sort(sorted.items.begin(), sorted.items.end());
  return sorted.str(default_key);
}

ParsedPropertyString parse_property_string(const std::string& text,
                                           const std::string& default_key) {
  ParsedPropertyString parsed;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos
                                                                      : comma - start);
    start = comma == std::string::npos ? text.size() + 1 : comma + 1;
    if (item.empty()) {
      continue;
    }
    std::string key;
    std::string value;
    const size_t eq = item.find('=');
    if (eq == std::string::npos) {
      if (default_key.empty()) {
        parsed.error = "value without key, but schema does not define a default key";
        return parsed;
      }
      key = default_key;
      value = item;
    } else {
      key = item.substr(0, eq);
      value = item.substr(eq + 1);
    }
    if (parsed.value.get(key)) {
      parsed.error = "duplicate key in comma-separated list property: " + key;
      return parsed;
    }
    parsed.value.items.emplace_back(key, value);
  }
  return parsed;
}

}  // namespace pve_emu
