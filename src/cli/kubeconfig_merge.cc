// Kubeconfig merge with talosctl's rename-on-conflict rule.
#include "cli/kubeconfig_merge.h"

#include <map>

#include <fmt/format.h>

#include "util/yaml_emit.h"
#include "util/yaml_load.h"

namespace cli {
namespace {

using util::Tree;

util::Result<Tree> parse(std::string_view text, std::string_view origin) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return Tree::object();
  }
  ASSIGN_OR_RETURN(Tree doc, util::load_yaml(text, origin));
  if (doc.is_null()) {
    return Tree::object();
  }
  if (!doc.is_object()) {
    return util::Error::invalid_input(
        fmt::format("{} is not a kubeconfig (not a mapping)", origin));
  }
  for (const char* list : {"clusters", "users", "contexts"}) {
    if (doc.contains(list) && !doc[list].is_null() && !doc[list].is_array()) {
      return util::Error::invalid_input(fmt::format("{}: {} is not a list", origin, list));
    }
  }
  return doc;
}

Tree& list(Tree& doc, const char* key) {
  if (!doc.contains(key) || doc[key].is_null()) {
    doc[key] = Tree::array();
  }
  return doc[key];
}

const Tree* find(const Tree& entries, const std::string& name) {
  for (const Tree& e : entries) {
    if (e.is_object() && e.value("name", "") == name) {
      return &e;
    }
  }
  return nullptr;
}

// Adds `entry` to `entries` unless an identical one exists; returns the name it ended up under.
std::string add(Tree& entries, Tree entry, bool& renamed) {
  const std::string base = entry.value("name", "");
  std::string name = base;
  for (int n = 1;; ++n) {
    const Tree* taken = find(entries, name);
    if (taken == nullptr) {
      break;
    }
    Tree candidate = entry;
    candidate["name"] = name;
    if (*taken == candidate) {
      return name;  // the same entry is already there
    }
    name = fmt::format("{}-{}", base, n);
    renamed = true;
  }
  entry["name"] = name;
  entries.push_back(std::move(entry));
  return name;
}

}  // namespace

util::Result<MergedKubeconfig> merge_kubeconfig(std::string_view existing, std::string_view fetched,
                                                std::string_view origin) {
  ASSIGN_OR_RETURN(Tree doc, parse(existing, origin));
  ASSIGN_OR_RETURN(Tree add_doc, parse(fetched, "the fetched kubeconfig"));
  if (!doc.contains("apiVersion")) {
    doc["apiVersion"] = "v1";
    doc["kind"] = "Config";
  }
  MergedKubeconfig out;
  std::map<std::string, std::string> cluster_names, user_names;
  for (const Tree& c : list(add_doc, "clusters")) {
    cluster_names[c.value("name", "")] = add(list(doc, "clusters"), c, out.renamed);
  }
  for (const Tree& u : list(add_doc, "users")) {
    user_names[u.value("name", "")] = add(list(doc, "users"), u, out.renamed);
  }
  const std::string wanted = add_doc.value("current-context", "");
  for (Tree c : list(add_doc, "contexts")) {
    if (c.contains("context") && c["context"].is_object()) {
      Tree& ref = c["context"];
      if (ref.contains("cluster"))
        ref["cluster"] = cluster_names[ref.value("cluster", "")];
      if (ref.contains("user"))
        ref["user"] = user_names[ref.value("user", "")];
    }
    const std::string original = c.value("name", "");
    const std::string name = add(list(doc, "contexts"), std::move(c), out.renamed);
    if (original == wanted || out.context.empty()) {
      out.context = name;
    }
  }
  if (out.context.empty()) {
    return util::Error::invalid_input("the fetched kubeconfig has no context");
  }
  doc["current-context"] = out.context;
  out.text = util::emit_yaml(doc);
  return out;
}

}  // namespace cli
