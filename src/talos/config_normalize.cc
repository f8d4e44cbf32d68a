// Normalisation of config trees into Talos's encoding order and types.
#include <fmt/format.h>

#include "talos/config_document.h"
#include "util/yaml_key_order.h"

namespace talos {
namespace {

using util::Error;
using util::Result;

Error type_error(const std::string& path, std::string_view want) {
  return Error::invalid_input(fmt::format("{}: expected {}", path, want));
}

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

Result<Tree> normalize(const Tree& v, const FieldType& type, const std::string& path);

Result<Tree> normalize_object(const Tree& v, const ObjectType& type, const std::string& path) {
  if (!v.is_object()) {
    return type_error(path, "an object");
  }
  Tree out = Tree::object();
  for (const Field& field : type.fields) {
    if (v.contains(field.name) && !v.at(field.name).is_null()) {  // Go omits nil pointers
      ASSIGN_OR_RETURN(Tree child,
                       normalize(v.at(field.name), field.type, join_path(path, field.name)));
      out[field.name] = std::move(child);
    }
  }
  std::vector<std::string> unknown;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!out.contains(it.key()) && !it.value().is_null()) {
      unknown.push_back(join_path(path, it.key()));
    }
  }
  if (!unknown.empty()) {
    return Error::invalid_input(
        fmt::format("unknown keys found during decoding: {}", fmt::join(unknown, ", ")));
  }
  return out;
}

Result<Tree> normalize_scalar(const Tree& v, FieldType::Kind kind, const std::string& path) {
  switch (kind) {
    case FieldType::Kind::String:
      if (v.is_string()) {
        return v;
      }
      if (v.is_boolean() || v.is_number()) {
        return Tree(v.dump());
      }
      return type_error(path, "a string");
    case FieldType::Kind::Bool:
      if (v.is_boolean()) {
        return v;
      }
      return type_error(path, "a boolean");
    case FieldType::Kind::Int:
      if (v.is_number_integer()) {
        return v;
      }
      return type_error(path, "an integer");
    default:
      if (v.is_number()) {
        return v;
      }
      return type_error(path, "a number");
  }
}

Result<Tree> normalize(const Tree& v, const FieldType& type, const std::string& path) {
  if (v.is_null()) {
    return v;
  }
  switch (type.kind) {
    case FieldType::Kind::Any:
      return util::sort_keys(v, true);
    case FieldType::Kind::Object: {
      const ObjectType* object = ConfigLayout::get().type(type.object);
      TALFORGE_ASSERT(object != nullptr);
      return normalize_object(v, *object, path);
    }
    case FieldType::Kind::Array: {
      if (!v.is_array()) {
        return type_error(path, "a list");
      }
      Tree out = Tree::array();
      for (size_t i = 0; i < v.size(); ++i) {
        ASSIGN_OR_RETURN(Tree item, normalize(v[i], *type.element, fmt::format("{}[{}]", path, i)));
        out.push_back(std::move(item));
      }
      return out;
    }
    case FieldType::Kind::Map: {
      if (!v.is_object()) {
        return type_error(path, "a map");
      }
      Tree out = Tree::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        ASSIGN_OR_RETURN(Tree item,
                         normalize(it.value(), *type.element, join_path(path, it.key())));
        out[it.key()] = std::move(item);
      }
      return util::sort_keys(out, false);
    }
    default:
      return normalize_scalar(v, type.kind, path);
  }
}

}  // namespace

Result<Tree> normalize_document(const Tree& doc) {
  ASSIGN_OR_RETURN(const std::string kind, document_kind(doc));
  const ObjectType* type = ConfigLayout::get().document(kind);
  if (type == nullptr) {
    return Error::invalid_input(fmt::format("unknown document kind \"{}\"", kind));
  }
  return normalize_object(doc, *type, "");
}

}  // namespace talos
