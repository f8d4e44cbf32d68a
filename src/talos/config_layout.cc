// Parses the generated layout table once.
#include "talos/config_layout.h"

#include <nlohmann/json.hpp>

namespace talos {
namespace {

FieldType parse_type(std::string_view code) {
  FieldType t;
  if (code.empty()) {
    return t;
  }
  switch (code[0]) {
    case 's':
      t.kind = FieldType::Kind::String;
      break;
    case 'b':
      t.kind = FieldType::Kind::Bool;
      break;
    case 'i':
      t.kind = FieldType::Kind::Int;
      break;
    case 'n':
      t.kind = FieldType::Kind::Number;
      break;
    case '@':
      t.kind = FieldType::Kind::Object;
      t.object = std::string(code.substr(1));
      break;
    case '[':
      t.kind = FieldType::Kind::Array;
      t.element = std::make_shared<FieldType>(parse_type(code.substr(1)));
      break;
    case '{':
      t.kind = FieldType::Kind::Map;
      t.element = std::make_shared<FieldType>(parse_type(code.substr(1)));
      break;
    default:
      t.kind = FieldType::Kind::Any;
      break;
  }
  return t;
}

}  // namespace

const Field* ObjectType::find(std::string_view field) const {
  const int i = index_of(field);
  return i < 0 ? nullptr : &fields[static_cast<size_t>(i)];
}

int ObjectType::index_of(std::string_view field) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

const ConfigLayout& ConfigLayout::get() {
  static const ConfigLayout layout = [] {
    ConfigLayout l;
    const nlohmann::json data = nlohmann::json::parse(config_layout_json());
    for (const auto& [name, fields] : data.at("types").items()) {
      ObjectType t;
      t.name = name;
      for (const auto& f : fields) {
        t.fields.push_back({f.at(0).get<std::string>(), parse_type(f.at(1).get<std::string>())});
      }
      l.types_.emplace(name, std::move(t));
    }
    for (const auto& [kind, type] : data.at("kinds").items()) {
      l.kinds_.emplace(kind, type.get<std::string>());
    }
    l.kinds_.emplace("v1alpha1", "v1alpha1.Config");
    return l;
  }();
  return layout;
}

const ObjectType* ConfigLayout::type(std::string_view name) const {
  auto it = types_.find(std::string(name));
  return it == types_.end() ? nullptr : &it->second;
}

const ObjectType* ConfigLayout::document(std::string_view kind) const {
  auto it = kinds_.find(std::string(kind));
  return it == kinds_.end() ? nullptr : type(it->second);
}

}  // namespace talos
