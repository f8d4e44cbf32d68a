// Strict, typed decoding of Talos config documents from YAML.
#include <charconv>

#include <fmt/format.h>

#include "talos/config_document.h"
#include "util/yaml_key_order.h"
#include "util/yaml_load.h"

namespace talos {
namespace {

using util::Error;
using util::Result;

constexpr std::string_view kPatchDirective = "$patch";

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

Error type_error(const std::string& path, const YAML::Node& node, std::string_view want) {
  return Error::invalid_input(fmt::format(
      "{}: line {}: cannot decode {} into {}", path, node.Mark().line + 1,
      node.IsScalar() ? "\"" + node.Scalar() + "\"" : std::string("a collection"), want));
}

class Decoder {
 public:
  explicit Decoder(DecodeMode mode) : mode_(mode), layout_(ConfigLayout::get()) {}

  Result<Tree> value(const YAML::Node& node, const FieldType& type, const std::string& path) {
    if (node.IsNull()) {
      return Tree(nullptr);
    }
    switch (type.kind) {
      case FieldType::Kind::String:
        return string(node, path);
      case FieldType::Kind::Bool:
        return boolean(node, path);
      case FieldType::Kind::Int:
        return integer(node, path);
      case FieldType::Kind::Number:
        return number(node, path);
      case FieldType::Kind::Any:
        return util::sort_keys(util::yaml_to_tree(node), true);
      case FieldType::Kind::Object:
        return object(node, type.object, path);
      case FieldType::Kind::Array:
        return array(node, *type.element, path);
      case FieldType::Kind::Map:
        return map(node, *type.element, path);
    }
    return Tree(nullptr);
  }

  Result<Tree> object(const YAML::Node& node, const std::string& type_name,
                      const std::string& path) {
    const ObjectType* type = layout_.type(type_name);
    if (type == nullptr) {
      return Error::internal(fmt::format("unknown config type {}", type_name));
    }
    if (!node.IsMap()) {
      return type_error(path, node, "an object");
    }
    std::vector<std::pair<int, std::pair<std::string, Tree>>> fields;
    std::vector<std::string> unknown;
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      if (mode_ == DecodeMode::Patch && key == kPatchDirective) {
        fields.push_back({-1, {key, Tree(kv.second.Scalar())}});
        continue;
      }
      const int index = type->index_of(key);
      if (index < 0) {
        unknown.push_back(join_path(path, key));
        continue;
      }
      ASSIGN_OR_RETURN(Tree v, value(kv.second, type->fields[static_cast<size_t>(index)].type,
                                     join_path(path, key)));
      fields.push_back({index, {key, std::move(v)}});
    }
    if (!unknown.empty()) {
      return Error::invalid_input(
          fmt::format("unknown keys found during decoding: {}", fmt::join(unknown, ", ")));
    }
    std::stable_sort(fields.begin(), fields.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    Tree out = Tree::object();
    for (auto& [index, kv] : fields) {
      out[kv.first] = std::move(kv.second);
    }
    return out;
  }

 private:
  Result<Tree> string(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
      return type_error(path, node, "a string");
    }
    return Tree(node.Scalar());
  }

  Result<Tree> boolean(const YAML::Node& node, const std::string& path) {
    // yaml.v3 reads plain YAML 1.1 booleans (yes/on…) into bool fields but never quoted text.
    if (node.IsScalar() && node.Tag() != "!") {
      const std::string& s = node.Scalar();
      for (const char* t : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"}) {
        if (s == t) {
          return Tree(true);
        }
      }
      for (const char* f : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"}) {
        if (s == f) {
          return Tree(false);
        }
      }
    }
    return type_error(path, node, "a boolean");
  }

  Result<Tree> integer(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar() && node.Tag() != "!") {
      Tree v = util::resolve_plain_scalar(node.Scalar());
      if (v.is_number_integer()) {
        return v;
      }
    }
    return type_error(path, node, "an integer");
  }

  Result<Tree> number(const YAML::Node& node, const std::string& path) {
    if (node.IsScalar() && node.Tag() != "!") {
      Tree v = util::resolve_plain_scalar(node.Scalar());
      if (v.is_number()) {
        return v;
      }
    }
    return type_error(path, node, "a number");
  }

  Result<Tree> array(const YAML::Node& node, const FieldType& element, const std::string& path) {
    if (!node.IsSequence()) {
      return type_error(path, node, "a list");
    }
    Tree out = Tree::array();
    for (size_t i = 0; i < node.size(); ++i) {
      ASSIGN_OR_RETURN(Tree v, value(node[i], element, fmt::format("{}[{}]", path, i)));
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<Tree> map(const YAML::Node& node, const FieldType& element, const std::string& path) {
    if (!node.IsMap()) {
      return type_error(path, node, "a map");
    }
    Tree out = Tree::object();
    for (const auto& kv : node) {
      const std::string key = kv.first.Scalar();
      ASSIGN_OR_RETURN(Tree v, value(kv.second, element, join_path(path, key)));
      out[key] = std::move(v);
    }
    return util::sort_keys(out, false);
  }

  DecodeMode mode_;
  const ConfigLayout& layout_;
};

std::string node_kind(const YAML::Node& node) {
  if (node.IsMap() && node["kind"] && node["kind"].IsScalar()) {
    return node["kind"].Scalar();
  }
  return "v1alpha1";
}

}  // namespace

Result<std::string> document_kind(const Tree& doc) {
  if (!doc.is_object()) {
    return Error::invalid_input("a config document must be a mapping");
  }
  if (doc.contains("kind")) {
    if (!doc["kind"].is_string()) {
      return Error::invalid_input("kind must be a string");
    }
    return doc["kind"].get<std::string>();
  }
  const bool v1alpha1 = (doc.contains("version") && doc["version"] == "v1alpha1") ||
                        (doc.contains("apiVersion") && doc["apiVersion"] == "v1alpha1");
  if (!v1alpha1 && !doc.contains("machine") && !doc.contains("cluster")) {
    return Error::invalid_input("missing kind");
  }
  return std::string("v1alpha1");
}

Result<Tree> decode_document(const YAML::Node& node, DecodeMode mode) {
  if (!node.IsMap()) {
    return Error::invalid_input("a config document must be a mapping");
  }
  const std::string kind = node_kind(node);
  const ObjectType* type = ConfigLayout::get().document(kind);
  if (type == nullptr) {
    return Error::invalid_input(fmt::format("unknown document kind \"{}\"", kind))
        .with_hint("check the kind against the Talos configuration reference");
  }
  Decoder decoder(mode);
  return decoder.object(node, type->name, "");
}

Result<std::vector<Tree>> decode_documents(std::string_view text, std::string_view origin,
                                           DecodeMode mode) {
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error::invalid_input(fmt::format("{}:{}:{}: invalid YAML: {}", origin, e.mark.line + 1,
                                            e.mark.column + 1, e.msg));
  }
  std::vector<Tree> docs;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].IsNull()) {
      continue;
    }
    Result<Tree> doc = decode_document(nodes[i], mode);
    if (!doc.ok()) {
      return std::move(doc).error().with_context(
          nodes.size() > 1 ? fmt::format("{} (document {})", origin, i + 1) : std::string(origin));
    }
    docs.push_back(std::move(*doc));
  }
  return docs;
}

}  // namespace talos
