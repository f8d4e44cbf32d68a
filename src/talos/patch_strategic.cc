// Strategic merge of partial config documents (talos.md §5): maps merge key by key, lists
// append except where Talos replaces or merges them by a key, zero scalars do not override, and
// `$patch: delete` removes what it marks.
#include <fmt/format.h>

#include "talos/config_document.h"
#include "talos/patch.h"

namespace talos {
namespace {

using util::Error;
using util::Result;

constexpr const char* kDirective = "$patch";

// Lists that a patch replaces instead of appending to (path inside the document kind).
bool replaces_list(const std::string& kind, const std::string& path) {
  if (kind == "v1alpha1") {
    return path == "cluster.network.podSubnets" || path == "cluster.network.serviceSubnets";
  }
  if (kind == "NetworkRuleConfig") {
    return path == "ingress" || path == "portSelector.ports";
  }
  return false;
}

// Lists whose items merge with the existing item that has the same identity.
std::vector<std::string> list_identity_keys(const std::string& kind, const std::string& path) {
  if (kind == "v1alpha1") {
    if (path == "machine.network.interfaces") {
      return {"interface", "deviceSelector"};
    }
    if (path == "machine.network.interfaces.vlans") {
      return {"vlanId"};
    }
    if (path == "cluster.apiServer.admissionControl") {
      return {"name"};
    }
  }
  if (kind == "ExtensionServiceConfig" && path == "configFiles") {
    return {"mountPath"};
  }
  return {};
}

bool replaces_object(const std::string& kind, const std::string& path) {
  return kind == "v1alpha1" && path == "cluster.apiServer.auditPolicy";
}

bool is_delete(const Tree& v) {
  return v.is_object() && v.contains(kDirective) && v[kDirective] == "delete";
}

bool is_zero(const Tree& v) {
  return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
         (v.is_number() && v == 0);
}

std::string child_path(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

class Merger {
 public:
  explicit Merger(std::string kind) : kind_(std::move(kind)) {}

  void merge(Tree& base, const Tree& patch, const std::string& path) {
    if (patch.is_object() && base.is_object() && !replaces_object(kind_, path)) {
      merge_object(base, patch, path);
    } else if (patch.is_array() && base.is_array()) {
      merge_list(base, patch, path);
    } else if (!is_zero(patch)) {
      base = without_directives(patch);
    }
  }

 private:
  void merge_object(Tree& base, const Tree& patch, const std::string& path) {
    for (auto it = patch.begin(); it != patch.end(); ++it) {
      const std::string& key = it.key();
      if (key == kDirective) {
        continue;
      }
      if (is_delete(it.value())) {
        base.erase(key);
        continue;
      }
      if (!base.contains(key) || base[key].is_null()) {
        if (!it.value().is_null()) {
          base[key] = without_directives(it.value());
        }
        continue;
      }
      merge(base[key], it.value(), child_path(path, key));
    }
  }

  void merge_list(Tree& base, const Tree& patch, const std::string& path) {
    if (replaces_list(kind_, path)) {
      base = without_directives(patch);
      return;
    }
    const std::vector<std::string> identity = list_identity_keys(kind_, path);
    for (const Tree& item : patch) {
      if (is_delete(item)) {
        delete_list_item(base, item);
        continue;
      }
      Tree* existing = identity.empty() ? nullptr : find_same(base, item, identity);
      if (existing != nullptr) {
        merge(*existing, item, path);
      } else {
        base.push_back(without_directives(item));
      }
    }
  }

  static Tree* find_same(Tree& list, const Tree& item, const std::vector<std::string>& keys) {
    for (const std::string& key : keys) {
      if (!item.is_object() || !item.contains(key)) {
        continue;
      }
      for (Tree& candidate : list) {
        if (candidate.is_object() && candidate.contains(key) && candidate[key] == item[key]) {
          return &candidate;
        }
      }
    }
    return nullptr;
  }

  // `{interface: eth0, $patch: delete}` removes the element whose `interface` is eth0: the
  // match key is the item's first key other than the directive.
  static void delete_list_item(Tree& list, const Tree& item) {
    for (auto it = item.begin(); it != item.end(); ++it) {
      if (it.key() == kDirective) {
        continue;
      }
      for (size_t i = 0; i < list.size(); ++i) {
        if (list[i].is_object() && list[i].contains(it.key()) && list[i][it.key()] == it.value()) {
          list.erase(i);
          return;
        }
      }
      return;
    }
  }

  static Tree without_directives(const Tree& v) {
    if (v.is_object()) {
      Tree out = Tree::object();
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (it.key() != kDirective && !is_delete(it.value())) {
          out[it.key()] = without_directives(it.value());
        }
      }
      return out;
    }
    if (v.is_array()) {
      Tree out = Tree::array();
      for (const Tree& item : v) {
        if (!is_delete(item)) {
          out.push_back(without_directives(item));
        }
      }
      return out;
    }
    return v;
  }

  std::string kind_;
};

// Documents match by (apiVersion, kind, name); the v1alpha1 document matches the v1alpha1 one.
bool same_document(const Tree& a, const Tree& b) {
  auto field = [](const Tree& d, const char* k) {
    return d.contains(k) ? d[k].dump() : std::string();
  };
  Result<std::string> ka = document_kind(a);
  Result<std::string> kb = document_kind(b);
  if (!ka.ok() || !kb.ok() || *ka != *kb) {
    return false;
  }
  return *ka == "v1alpha1" ||
         (field(a, "apiVersion") == field(b, "apiVersion") && field(a, "name") == field(b, "name"));
}

}  // namespace

Result<void> strategic_merge(std::vector<Tree>& docs, const std::vector<Tree>& patch_docs) {
  for (const Tree& patch : patch_docs) {
    ASSIGN_OR_RETURN(const std::string kind, document_kind(patch));
    auto target = std::find_if(docs.begin(), docs.end(),
                               [&](const Tree& d) { return same_document(d, patch); });
    if (is_delete(patch)) {
      if (kind == "v1alpha1") {
        return Error::invalid_input("the v1alpha1 document cannot be deleted by a patch");
      }
      if (target != docs.end()) {
        docs.erase(target);
      }
      continue;
    }
    if (target == docs.end()) {
      Tree fresh = Tree::object();
      Merger(kind).merge(fresh, patch, "");
      docs.push_back(std::move(fresh));
      continue;
    }
    Merger(kind).merge(*target, patch, "");
  }
  return {};
}

}  // namespace talos
