// talosconfig rendering and parsing.
#include "secrets/talosconfig.h"

#include <algorithm>

#include <fmt/format.h>

#include "secrets/base64.h"
#include "util/yaml_emit.h"
#include "util/yaml_key_order.h"
#include "util/yaml_load.h"

namespace secrets {
namespace {

using util::Tree;

Tree context_tree(const TalosconfigContext& c) {
  Tree t = Tree::object();
  t["endpoints"] = Tree::array();
  for (const std::string& e : c.endpoints) {
    t["endpoints"].push_back(e);
  }
  if (!c.nodes.empty()) {
    t["nodes"] = Tree::array();
    for (const std::string& n : c.nodes) {
      t["nodes"].push_back(n);
    }
  }
  if (!c.ca.empty()) {
    t["ca"] = base64_encode(c.ca);
  }
  if (!c.crt.empty()) {
    t["crt"] = base64_encode(c.crt);
  }
  if (!c.key.empty()) {
    t["key"] = base64_encode(c.key.reveal());
  }
  return t;
}

util::Result<std::vector<std::string>> string_list(const Tree& node, const std::string& path) {
  std::vector<std::string> out;
  if (node.is_null()) {
    return out;
  }
  if (!node.is_array()) {
    return util::Error::invalid_input(fmt::format("{}: expected a list", path));
  }
  for (const Tree& item : node) {
    if (!item.is_string()) {
      return util::Error::invalid_input(fmt::format("{}: expected a list of strings", path));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

// A base64-of-PEM field; "" when absent.
util::Result<std::string> pem_field(const Tree& context, const char* key, const std::string& path) {
  auto it = context.find(key);
  if (it == context.end() || it->is_null()) {
    return std::string();
  }
  const std::string field = fmt::format("{}.{}", path, key);
  if (!it->is_string()) {
    return util::Error::invalid_input(fmt::format("{}: expected a string", field));
  }
  std::optional<std::string> pem = base64_decode(it->get<std::string>());
  if (!pem) {
    return util::Error::invalid_input(fmt::format("{}: not valid base64", field));
  }
  return std::move(*pem);
}

util::Result<TalosconfigContext> read_context(const std::string& name, const Tree& node) {
  const std::string path = "contexts." + name;
  if (!node.is_object()) {
    return util::Error::invalid_input(fmt::format("{}: expected a mapping", path));
  }
  TalosconfigContext c;
  c.name = name;
  const Tree empty;
  ASSIGN_OR_RETURN(c.endpoints, string_list(node.value("endpoints", empty), path + ".endpoints"));
  ASSIGN_OR_RETURN(c.nodes, string_list(node.value("nodes", empty), path + ".nodes"));
  const Tree target = node.value("target", empty);
  if (c.endpoints.empty() && target.is_string() && !target.get<std::string>().empty()) {
    c.endpoints.push_back(target.get<std::string>());
  }
  ASSIGN_OR_RETURN(c.ca, pem_field(node, "ca", path));
  ASSIGN_OR_RETURN(c.crt, pem_field(node, "crt", path));
  ASSIGN_OR_RETURN(std::string key, pem_field(node, "key", path));
  c.key = Secret(std::move(key));
  return c;
}

util::Result<Talosconfig> read_talosconfig(const Tree& root) {
  if (!root.is_object()) {
    return util::Error::invalid_input("expected a mapping with context and contexts");
  }
  Talosconfig config;
  const Tree context = root.value("context", Tree());
  if (!context.is_null() && !context.is_string()) {
    return util::Error::invalid_input("context: expected a string");
  }
  config.context = context.is_string() ? context.get<std::string>() : "";
  const Tree contexts = root.value("contexts", Tree::object());
  if (!contexts.is_object()) {
    return util::Error::invalid_input("contexts: expected a mapping");
  }
  for (auto it = contexts.begin(); it != contexts.end(); ++it) {
    ASSIGN_OR_RETURN(TalosconfigContext c, read_context(it.key(), it.value()));
    config.contexts.push_back(std::move(c));
  }
  return config;
}

}  // namespace

const TalosconfigContext* Talosconfig::current() const {
  for (const TalosconfigContext& c : contexts) {
    if (c.name == context) {
      return &c;
    }
  }
  return nullptr;
}

Secret render_talosconfig(const Talosconfig& config) {
  std::vector<const TalosconfigContext*> sorted;
  for (const TalosconfigContext& c : config.contexts) {
    sorted.push_back(&c);
  }
  // contexts is a Go map: yaml.v3 writes its keys in its natural sort order.
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return util::yaml_key_less(a->name, b->name);
  });
  Tree doc = Tree::object();
  doc["context"] = config.context;
  doc["contexts"] = Tree::object();
  for (const TalosconfigContext* c : sorted) {
    doc["contexts"][c->name] = context_tree(*c);
  }
  return Secret(util::emit_yaml(doc));
}

Secret render_talosconfig(std::string_view name, const std::vector<std::string>& endpoints,
                          const std::vector<std::string>& nodes, std::string_view ca_pem,
                          std::string_view crt_pem, const Secret& key_pem) {
  Talosconfig config;
  config.context = std::string(name);
  config.contexts.push_back(TalosconfigContext{std::string(name), endpoints, nodes,
                                               std::string(ca_pem), std::string(crt_pem), key_pem});
  return render_talosconfig(config);
}

util::Result<Talosconfig> parse_talosconfig(std::string_view text, std::string_view origin) {
  ASSIGN_OR_RETURN(const Tree root, util::load_yaml(text, origin));
  util::Result<Talosconfig> config = read_talosconfig(root);
  if (!config.ok()) {
    util::Error e = std::move(config).error();
    e.message = fmt::format("{}: {}", origin, e.message);
    return e;
  }
  return config;
}

}  // namespace secrets
