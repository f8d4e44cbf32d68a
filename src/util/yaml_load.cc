// YAML loading on top of yaml-cpp.
#include "util/yaml_load.h"

#include <charconv>
#include <regex>

#include <fmt/format.h>

namespace util {
namespace {

Error parse_error(const YAML::Exception& e, std::string_view origin) {
  return Error::invalid_input(
      fmt::format("{}:{}:{}: invalid YAML: {}", origin, e.mark.line + 1, e.mark.column + 1, e.msg));
}

std::optional<int64_t> parse_int(const std::string& s) {
  std::string digits;
  for (char c : s) {
    if (c != '_') {
      digits += c;
    }
  }
  bool negative = false;
  std::string_view v = digits;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    v.remove_prefix(1);
  }
  int base = 10;
  if (v.starts_with("0x")) {
    base = 16;
    v.remove_prefix(2);
  } else if (v.starts_with("0o")) {
    base = 8;
    v.remove_prefix(2);
  } else if (v.starts_with("0b")) {
    base = 2;
    v.remove_prefix(2);
  } else if (v.size() > 1 && v[0] == '0') {
    base = 8;  // yaml.v3 still reads 1.1-style octals such as 0644
    v.remove_prefix(1);
  }
  if (v.empty()) {
    return std::nullopt;
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value, base);
  if (ec != std::errc() || end != v.data() + v.size()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

}  // namespace

Tree resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") {
    return nullptr;
  }
  if (s == "true" || s == "True" || s == "TRUE") {
    return true;
  }
  if (s == "false" || s == "False" || s == "FALSE") {
    return false;
  }
  const char c = s[0];
  if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.')) {
    return s;
  }
  if (auto i = parse_int(s)) {
    return *i;
  }
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  if (std::regex_match(s, kFloat)) {
    return std::stod(s);
  }
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF") {
    return std::numeric_limits<double>::infinity();
  }
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") {
    return -std::numeric_limits<double>::infinity();
  }
  return s;
}

Tree yaml_to_tree(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // yaml-cpp tags quoted and block scalars "!" and plain ones "?".
      if (node.Tag() == "!") {
        return node.Scalar();
      }
      return resolve_plain_scalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Tree out = Tree::array();
      for (const YAML::Node& item : node) {
        out.push_back(yaml_to_tree(item));
      }
      return out;
    }
    case YAML::NodeType::Map: {
      Tree out = Tree::object();
      for (const auto& kv : node) {
        out[kv.first.Scalar()] = yaml_to_tree(kv.second);
      }
      return out;
    }
  }
  return nullptr;
}

Result<Tree> load_yaml(std::string_view text, std::string_view origin) {
  try {
    return yaml_to_tree(YAML::Load(std::string(text)));
  } catch (const YAML::Exception& e) {
    return parse_error(e, origin);
  }
}

Result<std::vector<Tree>> load_yaml_stream(std::string_view text, std::string_view origin) {
  try {
    std::vector<Tree> docs;
    for (const YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      if (doc.IsNull()) {
        continue;
      }
      docs.push_back(yaml_to_tree(doc));
    }
    return docs;
  } catch (const YAML::Exception& e) {
    return parse_error(e, origin);
  }
}

}  // namespace util
