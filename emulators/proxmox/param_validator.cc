#include "emulators/proxmox/param_validator.h"

#include <regex>

#include <fmt/format.h>

#include "emulators/proxmox/formats.h"
#include "emulators/proxmox/property_string.h"

namespace pve_emu {
namespace {

using nlohmann::json;

bool is_integer_text(const std::string& v) {
  return std::regex_match(v, std::regex(R"([+-]?\d+)"));
}

bool is_number_text(const std::string& v) {
  return std::regex_match(v, std::regex(R"([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)"));
}

// PVE patterns are Perl regexes, sometimes stringified as "(?^:...)" or "(?^i:...)"; they are
// anchored at both ends.
bool matches_pattern(const std::string& pattern, const std::string& value) {
  std::string p = pattern;
  auto flags = std::regex::ECMAScript;
  if (p.rfind("(?^i:", 0) == 0 && p.ends_with(")")) {
    p = p.substr(5, p.size() - 6);
    flags |= std::regex::icase;
  } else if (p.rfind("(?^:", 0) == 0 && p.ends_with(")")) {
    p = p.substr(4, p.size() - 5);
  }
  if (!p.empty() && p.front() == '^') {
    p.erase(0, 1);
  }
  if (!p.empty() && p.back() == '$') {
    p.pop_back();
  }
  try {
    return std::regex_match(value, std::regex("(?:" + p + ")", flags));
  } catch (const std::regex_error&) {
    return true;  // a Perl-only construct: accept rather than reject valid input
  }
}

std::string number_text(const json& n) {
  if (n.is_number_integer()) {
    return std::to_string(n.get<long long>());
  }
  if (n.is_number()) {
    return fmt::format("{}", n.get<double>());
  }
  return n.is_string() ? n.get<std::string>() : n.dump();
}

std::string enum_text(const json& values) {
  std::string out;
  for (const json& v : values) {
    if (!out.empty()) {
      out += ", ";
    }
    out += v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

std::optional<std::string> check_value(const json& prop, const std::string& name,
                                       const std::string& value, bool inside_property_string);

std::optional<std::string> check_property_string(const json& format, const std::string& name,
                                                  const std::string& value) {
  std::string default_key;
  for (const auto& [key, sub] : format.items()) {
    if (sub.is_object() && sub.value("default_key", 0) == 1) {
      default_key = key;
    }
  }
  ParsedPropertyString parsed = parse_property_string(value, default_key);
  if (!parsed.error.empty()) {
    return "invalid format - " + parsed.error + "\n";
  }
  std::string errors;
  for (const auto& [raw_key, sub_value] : parsed.value.items) {
    std::string key = raw_key;
    auto it = format.find(key);
    if (it == format.end()) {
      return "invalid format - invalid key in comma-separated list property: " + key + "\n";
    }
    if (it->contains("keyAlias")) {  // "virtio=<mac>": model=virtio, macaddr=<mac>
      key = it->value("alias", "");
      it = format.find(key);
      if (it == format.end()) {
        continue;
      }
    } else if (it->contains("alias")) {
      key = it->value("alias", "");
      it = format.find(key);
      if (it == format.end()) {
        continue;
      }
    }
    if (auto error = check_value(*it, name + "." + key, sub_value, true)) {
      errors += name + "." + key + ": " + *error + "\n";
    }
  }
  for (const auto& [key, sub] : format.items()) {
    if (!sub.is_object() || sub.contains("alias") || sub.value("optional", 0) == 1) {
      continue;
    }
    bool present = parsed.value.get(key).has_value();
    if (!present && key == "model") {  // given through a keyAlias
      for (const auto& [k, v] : parsed.value.items) {
        auto alias = format.find(k);
        present = present || (alias != format.end() && alias->contains("keyAlias"));
      }
    }
    if (!present) {
      errors += name + "." + key + ": property is missing and it is not optional\n";
    }
  }
  if (!errors.empty()) {
    return "invalid format - format error\n" + errors;
  }
  return std::nullopt;
}

std::optional<std::string> check_type(const std::string& type, const std::string& value,
                                      bool inside_property_string) {
  if (type == "boolean") {
    bool ignored = false;
    const bool ok = inside_property_string ? parse_bool_text(value, &ignored)
                                           : (value == "0" || value == "1");
    if (!ok) {
      return fmt::format("type check ('boolean') failed - got '{}'", value);
    }
  } else if (type == "integer" && !is_integer_text(value)) {
    return fmt::format("type check ('integer') failed - got '{}'", value);
  } else if (type == "number" && !is_number_text(value)) {
    return fmt::format("type check ('number') failed - got '{}'", value);
  }
  return std::nullopt;
}

std::optional<std::string> check_value(const json& prop, const std::string& name,
                                       const std::string& value, bool inside_property_string) {
  const std::string type = prop.value("type", "string");
  if (auto error = check_type(type, value, inside_property_string)) {
    return error;
  }
  if (type == "integer" || type == "number") {
    const double number = std::stod(value);
    if (prop.contains("minimum") && prop["minimum"].is_number() &&
        number < prop["minimum"].get<double>()) {
      return "value must have a minimum value of " + number_text(prop["minimum"]);
    }
    if (prop.contains("maximum") && prop["maximum"].is_number() &&
        number > prop["maximum"].get<double>()) {
      return "value must have a maximum value of " + number_text(prop["maximum"]);
    }
  }
  if (prop.contains("enum") && prop["enum"].is_array()) {
    bool found = false;
    for (const json& e : prop["enum"]) {
      found = found || (e.is_string() ? e.get<std::string>() == value : e.dump() == value);
    }
    if (!found) {
      return fmt::format("value '{}' does not have a value in the enumeration '{}'", value,
                         enum_text(prop["enum"]));
    }
  }
  if (prop.contains("maxLength") && value.size() > prop["maxLength"].get<size_t>()) {
    return fmt::format("value may only be {} characters long", prop["maxLength"].get<size_t>());
  }
  if (prop.contains("minLength") && value.size() < prop["minLength"].get<size_t>()) {
    return fmt::format("value must be at least {} characters long",
                       prop["minLength"].get<size_t>());
  }
  if (prop.contains("pattern") && prop["pattern"].is_string() &&
      !matches_pattern(prop["pattern"].get<std::string>(), value)) {
    return "value does not match the regex pattern";
  }
  if (prop.contains("format")) {
    const json& format = prop["format"];
    if (format.is_object()) {
      return check_property_string(format, name, value);
    }
    if (format.is_string()) {
      if (const json* named = named_property_format(format.get<std::string>())) {
        return check_property_string(*named, name, value);
      }
      if (auto error = check_named_format(format.get<std::string>(), value)) {
        return "invalid format - " + *error;
      }
    }
  }
  return std::nullopt;
}

// "(n is 0 to 30)" in the description of indexed options such as "scsi[n]".
int index_limit(const json& prop) {
  static const std::regex range(R"(n is 0 to (\d+))");
  std::smatch m;
  const std::string description = prop.value("description", "");
  if (std::regex_search(description, m, range)) {
    return std::stoi(m[1]);
  }
  return 31;
}

}  // namespace

bool parse_bool_text(const std::string& text, bool* out) {
  static const char* const kTrue[] = {"1", "on", "yes", "true"};
  static const char* const kFalse[] = {"0", "off", "no", "false"};
  for (const char* t : kTrue) {
    if (text == t) {
      *out = true;
      return true;
    }
  }
  for (const char* f : kFalse) {
    if (text == f) {
      *out = false;
      return true;
    }
  }
  return false;
}

const json* find_property(const json& properties, const std::string& name) {
  auto it = properties.find(name);
  if (it != properties.end()) {
    return &*it;
  }
  static const std::regex indexed(R"(([a-z_\-]+?)(\d+))");
  std::smatch m;
  if (!std::regex_match(name, m, indexed)) {
    return nullptr;
  }
  auto base = properties.find(m[1].str() + "[n]");
  if (base == properties.end() || m[2].str().size() > 3 || std::stoi(m[2]) > index_limit(*base)) {
    return nullptr;
  }
  return &*base;
}

ParamErrors validate_parameters(const json& parameters_schema, const Params& params) {
  ParamErrors errors;
  static const json kEmpty = json::object();
  const json& properties =
      parameters_schema.contains("properties") ? parameters_schema["properties"] : kEmpty;
  const bool additional = parameters_schema.value("additionalProperties", 0) == 1;
  for (const auto& [name, value] : params) {
    const json* prop = find_property(properties, name);
    if (prop == nullptr) {
      if (!additional) {
        errors[name] =
            "property is not defined in schema and the schema does not allow additional "
            "properties";
      }
      continue;
    }
    if (auto error = check_value(*prop, name, value, false)) {
      errors[name] = *error;
    }
    if (prop->contains("requires") && (*prop)["requires"].is_string()) {
      const std::string required = (*prop)["requires"];
      if (!params.contains(required) && !errors.contains(required)) {
        errors[required] = "missing property - '" + name + "' requires this property";
      }
    }
  }
  for (const auto& [name, prop] : properties.items()) {
    if (prop.value("optional", 0) != 1 && name.find("[n]") == std::string::npos &&
        !params.contains(name)) {
      errors[name] = "property is missing and it is not optional";
    }
  }
  return errors;
}

}  // namespace pve_emu
