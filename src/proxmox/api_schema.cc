#include "proxmox/api_schema.h"

#include <map>
#include <memory>
#include <mutex>
#include <regex>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "proxmox/json_values.h"
#include "util/assert.h"

namespace proxmox {
namespace {

using nlohmann::json;
using util::Error;

const json& schema_table() {
  static const json table = json::parse(api_schema_json());
  return table;
}

std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start <= path.size()) {
    const size_t slash = path.find('/', start);
    out.push_back(path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) {
      break;
    }
    start = slash + 1;
  }
  return out;
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

// The endpoint's schema and the path placeholders' values, or nullptr.
const json* match_endpoint(const HttpRequest& request, Params& path_params) {
  const std::vector<std::string> actual = segments(request.path);
  for (const json& endpoint : schema_table()) {
    if (endpoint["method"] != method_name(request.method)) {
      continue;
    }
    const std::vector<std::string> wanted = segments(endpoint["path"].get<std::string>());
    if (wanted.size() != actual.size()) {
      continue;
    }
    Params placeholders;
    bool same = true;
    for (size_t i = 0; i < wanted.size() && same; ++i) {
      if (wanted[i].size() > 2 && wanted[i].front() == '{' && wanted[i].back() == '}') {
        placeholders.push_back({wanted[i].substr(1, wanted[i].size() - 2),
                                percent_decode(actual[i])});
      } else {
        same = wanted[i] == actual[i];
      }
    }
    if (same) {
      path_params = std::move(placeholders);
      return &endpoint;
    }
  }
  return nullptr;
}

// "net0" → the schema entry "net[n]".
const json* property_for(const json& properties, const std::string& name) {
  if (properties.contains(name)) {
    return &properties[name];
  }
  size_t digits = name.size();
  while (digits > 0 && std::isdigit(static_cast<unsigned char>(name[digits - 1]))) {
    --digits;
  }
  if (digits < name.size()) {
    const std::string indexed = name.substr(0, digits) + "[n]";
    if (properties.contains(indexed)) {
      return &properties[indexed];
    }
  }
  return nullptr;
}

// Every pattern is compiled once: each request is validated, from several threads at once.
// nullptr for a pattern ECMAScript cannot read.
const std::regex* compiled(const std::string& pattern) {
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<const std::regex>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto [it, inserted] = cache.try_emplace(pattern);
  if (inserted) {
    try {
      it->second = std::make_unique<const std::regex>(pattern);
    } catch (const std::regex_error&) {
      // stays nullptr
    }
  }
  return it->second.get();
}

bool matches(const std::string& pattern, const std::string& value) {
  const std::regex* re = compiled(pattern);
  TALFORGE_ASSERT(re != nullptr);  // talforge's own patterns are all ECMAScript
  return std::regex_match(value, *re);
}

// PVE's patterns are Perl regexes; the few ECMAScript cannot read are not checked here (the
// server still checks them).
bool matches_perl_pattern(const std::string& pattern, const std::string& value) {
  const std::regex* re = compiled(pattern);
  return re == nullptr || std::regex_search(value, *re);
}

// Named formats PVE registers in code (not spelled out in apidata.json), for the ones talforge
// sends; others are accepted as they are.
std::string check_named_format(const std::string& format, const std::string& value);

std::string check_property_string(const json& format, const std::string& value);

std::string check_value(const json& schema, const std::string& value, bool top_level) {
  const std::string type = schema.value("type", "string");
  if (type == "integer" || type == "number") {
    const char* form = type == "integer" ? R"([+-]?\d+)" : R"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)";
    if (!matches(form, value)) {
      return fmt::format("type check ('{}') failed - got '{}'", type, value);
    }
    const double number = std::strtod(value.c_str(), nullptr);
    if (schema.contains("minimum") && number < schema["minimum"].get<double>()) {
      return fmt::format("value must have a minimum value of {}", schema["minimum"].dump());
    }
    if (schema.contains("maximum") && number > schema["maximum"].get<double>()) {
      return fmt::format("value must have a maximum value of {}", schema["maximum"].dump());
    }
    return "";
  }
  if (type == "boolean") {
    const bool ok = top_level ? (value == "0" || value == "1")
                              : matches("(?:1|0|on|off|yes|no|true|false)", lowercase(value));
    return ok ? "" : fmt::format("type check ('boolean') failed - got '{}'", value);
  }
  if (schema.contains("maxLength") && value.size() > schema["maxLength"].get<size_t>()) {
    return fmt::format("value may only be {} characters long", schema["maxLength"].get<int>());
  }
  if (schema.contains("enum")) {
    std::string all;
    for (const json& e : schema["enum"]) {
      all += (all.empty() ? "" : ", ") + e.get<std::string>();
    }
    for (const json& e : schema["enum"]) {
      if (e == value) {
        return "";
      }
    }
    return fmt::format("value '{}' does not have a value in the enumeration '{}'", value, all);
  }
  if (schema.contains("pattern") &&
      !matches_perl_pattern(schema["pattern"].get<std::string>(), value)) {
    return "value does not match the regex pattern";
  }
  if (schema.contains("format")) {
    return schema["format"].is_object() ? check_property_string(schema["format"], value)
                                        : check_named_format(schema["format"], value);
  }
  return "";
}

std::map<std::string, std::string> split_property_string(const std::string& value,
                                                         const std::string& default_key,
                                                         std::string& problem) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    const size_t comma = value.find(',', start);
    const std::string part =
        value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    const size_t eq = part.find('=');
    std::string key = eq == std::string::npos ? default_key : part.substr(0, eq);
    const std::string v = eq == std::string::npos ? part : part.substr(eq + 1);
    if (key.empty()) {
      problem = fmt::format("value without key, but schema does not define a default key");
      return out;
    }
    if (!out.emplace(key, v).second) {
      problem = fmt::format("duplicate key in comma-separated list property: {}", key);
      return out;
    }
    if (comma == std::string::npos) {
      break;
    }
    start = comma + 1;
  }
  return out;
}

std::string check_property_string(const json& format, const std::string& value) {
  std::string default_key;
  for (auto it = format.begin(); it != format.end(); ++it) {
    if (it->value("default_key", 0) == 1) {
      default_key = it.key();
    }
  }
  std::string problem;
  const auto pairs = split_property_string(value, default_key, problem);
  if (!problem.empty()) {
    return "invalid format - " + problem;
  }
  for (const auto& [key, v] : pairs) {
    if (!format.contains(key)) {
      return fmt::format("invalid format - invalid key in comma-separated list property: {}", key);
    }
    const json& sub = format[key];
    if (sub.contains("alias") || sub.contains("keyAlias")) {
      continue;  // "virtio=MAC": the model name as a key whose value is the MAC
    }
    if (std::string error = check_value(sub, v, false); !error.empty()) {
      return fmt::format("invalid format - format error\n{}: {}", key, error);
    }
  }
  return "";
}

std::string check_keys_only(const std::string& value, std::set<std::string> keys,
                            const std::string& default_key) {
  std::string problem;
  const auto pairs = split_property_string(value, default_key, problem);
  if (!problem.empty()) {
    return "invalid format - " + problem;
  }
  for (const auto& [key, v] : pairs) {
    if (keys.count(key) == 0) {
      return fmt::format("invalid format - invalid key in comma-separated list property: {}", key);
    }
  }
  return "";
}

std::string check_named_format(const std::string& format, const std::string& value) {
  static const char* label = "[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?";
  if (format == "dns-name" && !matches(fmt::format("{0}(\\.{0})*", label), value)) {
    return "invalid format - value does not look like a valid DNS name";
  }
  if (format == "pve-node" && !matches(label, value)) {
    return "invalid format - value does not look like a valid node name";
  }
  if (format == "pve-storage-id" && !matches("[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]", value)) {
    return fmt::format("invalid format - storage ID '{}' contains illegal characters", value);
  }
  if (format == "pve-tag-list") {
    for (const std::string& tag : split_list(value)) {
      if (!matches("[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*", tag)) {
        return "invalid format - invalid characters in tag";
      }
    }
  }
  if (format == "mac-addr" && !matches("[a-fA-F0-9][02468aceACE](:[a-fA-F0-9]{2}){5}", value)) {
    return "invalid format - value does not look like a valid unicast MAC address";
  }
  if (format == "pve-qm-ipconfig") {
    return check_keys_only(value, {"ip", "gw", "ip6", "gw6"}, "");
  }
  if (format == "pve-qm-smbios1") {
    return check_keys_only(value, {"uuid", "serial", "manufacturer", "product", "version", "sku",
                                   "family", "base64"},
                           "");
  }
  if (format == "pve-qm-boot") {
    return check_keys_only(value, {"order", "legacy"}, "legacy");
  }
  if (format == "pve-vm-cpu-conf") {
    return check_keys_only(value, {"cputype", "flags", "hidden", "hv-vendor-id", "phys-bits",
                                   "reported-model"},
                           "cputype");
  }
  if (format == "address-list") {
    for (const std::string& address : split_list(value)) {
      if (!matches(R"((\d{1,3}\.){3}\d{1,3}|[0-9a-fA-F:]+)", address)) {
        return fmt::format("invalid format - value '{}' does not look like a valid IP address",
                           address);
      }
    }
  }
  return "";
}

}  // namespace

util::Result<void> validate_request(const HttpRequest& request) {
  Params path_params;
  const json* endpoint = match_endpoint(request, path_params);
  if (endpoint == nullptr) {
    return Error::internal(fmt::format(
        "talforge has no Proxmox API schema for {} {} (add it to scripts/gen-pve-schema)",
        method_name(request.method), request.path));
  }
  const json& properties = (*endpoint)["properties"];
  const bool closed = (*endpoint)["additional"] == 0;
  std::map<std::string, std::string> problems;
  std::set<std::string> seen;
  Params all = path_params;
  all.insert(all.end(), request.params.begin(), request.params.end());
  for (const auto& [name, value] : all) {
    if (!seen.insert(name).second) {
      problems[name] = "duplicate parameter";
      continue;
    }
    const json* schema = property_for(properties, name);
    if (schema == nullptr) {
      if (closed) {
        problems[name] =
            "property is not defined in schema and the schema does not allow additional "
            "properties";
      }
      continue;
    }
    if (std::string error = check_value(*schema, value, true); !error.empty()) {
      problems[name] = error;
    }
  }
  for (auto it = properties.begin(); it != properties.end(); ++it) {
    const bool indexed = it.key().find("[n]") != std::string::npos;
    if (!indexed && it->value("optional", 0) == 0 && seen.count(it.key()) == 0) {
      problems[it.key()] = "property is missing and it is not optional";
    }
  }
  if (problems.empty()) {
    return {};
  }
  std::string text;
  for (const auto& [name, problem] : problems) {
    text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", name, problem);
  }
  return Error::invalid_input(fmt::format("talforge refuses to send {} {}: {}",
                                          method_name(request.method), request.path, text))
      .with_hint("the Proxmox API (8.4 schema) would reject these parameters; check the values "
                 "in cluster.yaml that produce them");
}

}  // namespace proxmox
