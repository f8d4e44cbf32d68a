// The shape of Talos config documents: for each document kind, its fields in Go struct order and
// their types. Talos re-encodes configs from typed structs, so a patched config comes out with
// keys in struct order and scalars in the field's type; we reproduce that from this table.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace talos {

// The generated table (src/talos/config_layout_data.cc, by scripts/gen-config-layout).
const char* config_layout_json();

struct FieldType {
  enum class Kind { String, Bool, Int, Number, Any, Object, Array, Map };
  Kind kind = Kind::Any;
  std::string object;                  // type name, for Object
  std::shared_ptr<FieldType> element;  // for Array and Map
};

struct Field {
  std::string name;
  FieldType type;
};

struct ObjectType {
  std::string name;
  std::vector<Field> fields;
  const Field* find(std::string_view field) const;
  int index_of(std::string_view field) const;  // -1 when unknown
};

class ConfigLayout {
 public:
  // The process-wide layout, parsed once from the generated table.
  static const ConfigLayout& get();

  const ObjectType* type(std::string_view name) const;
  // The type of a document: "v1alpha1" for the legacy main document, else its `kind`.
  const ObjectType* document(std::string_view kind) const;

 private:
  std::unordered_map<std::string, ObjectType> types_;
  std::unordered_map<std::string, std::string> kinds_;
};

}  // namespace talos
