#include "proxmox/json_values.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace proxmox {

std::string lenient_string(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key)) {
    return "";
  }
  const nlohmann::json& v = object[key];
  if (v.is_string()) {
    return v.get<std::string>();
  }
  if (v.is_number_integer() || v.is_number_unsigned()) {
    return v.dump();
  }
  if (v.is_number_float()) {
    const double d = v.get<double>();
    return d == std::floor(d) ? fmt::format("{}", static_cast<long long>(d)) : v.dump();
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? "1" : "0";
  }
  return v.is_null() ? "" : v.dump();
}

uint64_t lenient_u64(const nlohmann::json& object, const std::string& key) {
  if (!object.is_object() || !object.contains(key)) {
    return 0;
  }
  const nlohmann::json& v = object[key];
  if (v.is_number_unsigned() || v.is_number_integer()) {
    return v.get<int64_t>() < 0 ? 0 : v.get<uint64_t>();
  }
  if (v.is_number_float()) {
    return v.get<double>() < 0 ? 0 : static_cast<uint64_t>(v.get<double>());
  }
  if (v.is_boolean()) {
    return v.get<bool>() ? 1 : 0;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (!s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(c); })) {
      return std::stoull(s);
    }
  }
  return 0;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  for (char c : text) {
    if (c == ';' || c == ',' || c == ' ') {
      if (!current.empty()) {
        out.push_back(current);
      }
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) {
    out.push_back(current);
  }
  return out;
}

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace proxmox
