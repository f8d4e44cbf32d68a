// Field and label selectors: comma-separated requirements `k=v`, `k==v`, `k!=v`, `k`, `!k`.
#include "emulators/kube/selector.h"

#include <optional>

#include <fmt/format.h>

namespace kube_emu {
namespace {

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(' ');
  if (first == std::string::npos) {
    return "";
  }
  const auto last = s.find_last_not_of(' ');
  return s.substr(first, last - first + 1);
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (c == ',') {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(trim(current));
  return parts;
}

util::Result<Requirement> parse_requirement(const std::string& text, const char* what) {
  Requirement r;
  if (const auto pos = text.find("!="); pos != std::string::npos) {
    r.op = Requirement::Op::NotEquals;
    r.key = trim(text.substr(0, pos));
    r.value = trim(text.substr(pos + 2));
  } else if (const auto pos2 = text.find("=="); pos2 != std::string::npos) {
    r.key = trim(text.substr(0, pos2));
    r.value = trim(text.substr(pos2 + 2));
  } else if (const auto pos3 = text.find('='); pos3 != std::string::npos) {
    r.key = trim(text.substr(0, pos3));
    r.value = trim(text.substr(pos3 + 1));
  } else if (!text.empty() && text[0] == '!') {
    r.op = Requirement::Op::NotExists;
    r.key = trim(text.substr(1));
  } else {
    r.op = Requirement::Op::Exists;
    r.key = text;
  }
  if (r.key.empty() || r.key.find_first_of(" ()") != std::string::npos) {
    return util::Error::invalid_input(
        fmt::format("unable to parse requirement \"{}\" of {}: "
                    "only =, ==, != and existence are supported",
                    text, what));
  }
  return r;
}

util::Result<std::vector<Requirement>> parse_list(const std::string& text, const char* what) {
  std::vector<Requirement> out;
  if (trim(text).empty()) {
    return out;
  }
  for (const std::string& part : split_commas(text)) {
    ASSIGN_OR_RETURN(Requirement r, parse_requirement(part, what));
    out.push_back(std::move(r));
  }
  return out;
}

// The value a field selector key names, or nullopt for an unsupported or missing field.
std::optional<std::string> field_value(const nlohmann::json& object, const std::string& key) {
  static const std::pair<const char*, nlohmann::json::json_pointer> kFields[] = {
      {"metadata.name", nlohmann::json::json_pointer("/metadata/name")},
      {"metadata.namespace", nlohmann::json::json_pointer("/metadata/namespace")},
      {"spec.nodeName", nlohmann::json::json_pointer("/spec/nodeName")},
      {"status.phase", nlohmann::json::json_pointer("/status/phase")},
      {"spec.unschedulable", nlohmann::json::json_pointer("/spec/unschedulable")},
  };
  for (const auto& [name, pointer] : kFields) {
    if (key != name) {
      continue;
    }
    if (!object.contains(pointer)) {
      return std::string();
    }
    const nlohmann::json& v = object.at(pointer);
    if (v.is_string()) {
      return v.get<std::string>();
    }
    if (v.is_boolean()) {
      return v.get<bool>() ? "true" : "false";
    }
    return std::string();
  }
  return std::nullopt;
}

bool requirement_holds(const Requirement& r, const std::optional<std::string>& value) {
  switch (r.op) {
    case Requirement::Op::Equals:
      return value.has_value() && *value == r.value;
    case Requirement::Op::NotEquals:
      return !value.has_value() || *value != r.value;
    case Requirement::Op::Exists:
      return value.has_value();
    case Requirement::Op::NotExists:
      return !value.has_value();
  }
  return false;
}

}  // namespace

bool Selector::matches(const nlohmann::json& object) const {
  for (const Requirement& r : fields) {
    const std::optional<std::string> v = field_value(object, r.key);
    if (!requirement_holds(r, v.value_or(""))) {
      return false;
    }
  }
  const nlohmann::json* labels_json = nullptr;
  if (object.contains("metadata") && object["metadata"].contains("labels")) {
    labels_json = &object["metadata"]["labels"];
  }
  for (const Requirement& r : labels) {
    std::optional<std::string> v;
    if (labels_json != nullptr && labels_json->contains(r.key) &&
        (*labels_json)[r.key].is_string()) {
      v = (*labels_json)[r.key].get<std::string>();
    }
    if (!requirement_holds(r, v)) {
      return false;
    }
  }
  return true;
}

util::Result<Selector> parse_selector(const std::string& field_selector,
                                      const std::string& label_selector) {
  Selector s;
  ASSIGN_OR_RETURN(s.fields, parse_list(field_selector, "fieldSelector"));
  for (const Requirement& r : s.fields) {
    if (!field_value(nlohmann::json::object(), r.key).has_value()) {
      return util::Error::invalid_input(fmt::format("field label not supported: {}", r.key));
    }
    if (r.op == Requirement::Op::Exists || r.op == Requirement::Op::NotExists) {
      return util::Error::invalid_input(
          fmt::format("invalid field selector \"{}\": a field needs = or !=", r.key));
    }
  }
  ASSIGN_OR_RETURN(s.labels, parse_list(label_selector, "labelSelector"));
  return s;
}

}  // namespace kube_emu
