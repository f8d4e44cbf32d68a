#include "emulators/proxmox/api_schema.h"

#include <fstream>
#include <vector>

#include <fmt/format.h>

namespace pve_emu {
namespace {

using nlohmann::json;

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = 0;
  while (start < path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string::npos) {
      slash = path.size();
    }
    if (slash > start) {
      segments.push_back(path.substr(start, slash - start));
    }
    start = slash + 1;
  }
  return segments;
}

bool is_placeholder(const std::string& text) {
  return text.size() > 2 && text.front() == '{' && text.back() == '}';
}

const json* find_child(const json& children, const std::string& segment,
                       std::string* placeholder) {
  const json* variable = nullptr;
  for (const json& child : children) {
    const std::string text = child.value("text", "");
    if (text == segment) {
      return &child;
    }
    if (is_placeholder(text)) {
      variable = &child;
    }
  }
  if (variable != nullptr) {
    const std::string text = (*variable)["text"];
    *placeholder = text.substr(1, text.size() - 2);
  }
  return variable;
}

}  // namespace

util::Result<std::shared_ptr<const ApiSchema>> ApiSchema::load(const std::string& file) {
  std::ifstream in(file);
  if (!in) {
    return util::Error::not_found(fmt::format("cannot read the PVE API schema {}", file))
        .with_hint("pass --schema-dir with apidata.json (shared/reference/proxmox)");
  }
  auto schema = std::make_shared<ApiSchema>();
  try {
    schema->tree_ = json::parse(in);
  } catch (const json::exception& e) {
    return util::Error::invalid_input(fmt::format("{} is not JSON: {}", file, e.what()));
  }
  if (!schema->tree_.is_array()) {
    return util::Error::invalid_input(fmt::format("{}: expected the apidata array", file));
  }
  return std::shared_ptr<const ApiSchema>(std::move(schema));
}

std::optional<RouteMatch> ApiSchema::match(const std::string& path,
                                           const std::string& method) const {
  const std::vector<std::string> segments = split_path(path);
  if (segments.empty()) {
    return std::nullopt;
  }
  RouteMatch match;
  const json* children = &tree_;
  const json* node = nullptr;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (children == nullptr) {
      return std::nullopt;
    }
    std::string placeholder;
    node = find_child(*children, segments[i], &placeholder);
    if (node == nullptr) {
      return std::nullopt;
    }
    if (!placeholder.empty()) {
      std::string value = segments[i];
      if (placeholder == "volume") {
        for (size_t j = i + 1; j < segments.size(); ++j) {
          value += "/" + segments[j];
        }
        i = segments.size();
      }
      match.path_params[placeholder] = value;
    }
    children = node->contains("children") ? &(*node)["children"] : nullptr;
  }
  match.schema_path = node->value("path", "");
  if (node->contains("info") && (*node)["info"].contains(method)) {
    match.method = &(*node)["info"][method];
  }
  return match;
}

}  // namespace pve_emu
