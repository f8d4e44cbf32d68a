// Internal to machine_config*.cc: the decoded documents of one machine config and small helpers
// to read optional fields out of them.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "util/yaml_emit.h"

namespace talos_emu::config_doc {

struct Document {
  std::string kind;  // "" for the legacy v1alpha1 main document
  std::string name;  // `name:` of named kinds, "" otherwise
  util::Tree body;
};

struct Documents {
  std::optional<util::Tree> v1alpha1;
  std::vector<Document> others;
  int talos_minor = 0;  // 11 for "v1.11.6"

  const Document* first(const std::string& kind) const;
  std::vector<const Document*> all(const std::string& kind) const;
};

// The node at `path` (object keys), or nullptr when any step is missing or not an object.
const util::Tree* find(const util::Tree& root, std::initializer_list<const char*> path);
// The string at `path`; numbers and bools as their text; "" when missing or not a scalar.
std::string string_at(const util::Tree& root, std::initializer_list<const char*> path);
// True when `path` holds a non-empty string.
bool has_text(const util::Tree& root, std::initializer_list<const char*> path);
// The array at `path`, or an empty array.
const util::Tree& array_at(const util::Tree& root, std::initializer_list<const char*> path);

}  // namespace talos_emu::config_doc
