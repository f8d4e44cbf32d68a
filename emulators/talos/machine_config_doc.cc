// Field access helpers over decoded machine-config documents (see machine_config_doc.h).
#include "emulators/talos/machine_config_doc.h"

namespace talos_emu::config_doc {

const Document* Documents::first(const std::string& kind) const {
  for (const Document& d : others) {
    if (d.kind == kind) {
      return &d;
    }
  }
  return nullptr;
}

std::vector<const Document*> Documents::all(const std::string& kind) const {
  std::vector<const Document*> out;
  for (const Document& d : others) {
    if (d.kind == kind) {
      out.push_back(&d);
    }
  }
  return out;
}

const util::Tree* find(const util::Tree& root, std::initializer_list<const char*> path) {
  const util::Tree* node = &root;
  for (const char* key : path) {
    if (!node->is_object()) {
      return nullptr;
    }
    auto it = node->find(key);
    if (it == node->end()) {
      return nullptr;
    }
    node = &*it;
  }
  return node;
}

std::string string_at(const util::Tree& root, std::initializer_list<const char*> path) {
  const util::Tree* node = find(root, path);
  if (node == nullptr || node->is_null() || node->is_structured()) {
    return "";
  }
  return node->is_string() ? node->get<std::string>() : node->dump();
}

bool has_text(const util::Tree& root, std::initializer_list<const char*> path) {
  return !string_at(root, path).empty();
}

const util::Tree& array_at(const util::Tree& root, std::initializer_list<const char*> path) {
  static const util::Tree kEmpty = util::Tree::array();
  const util::Tree* node = find(root, path);
  return node != nullptr && node->is_array() ? *node : kEmpty;
}

}  // namespace talos_emu::config_doc
