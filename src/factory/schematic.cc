// Schematic canonical form and ID.
#include "factory/schematic.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "util/sha256.h"
#include "util/yaml_key_order.h"
#include "util/yaml_load.h"

namespace factory {
namespace {

using util::Error;
using util::Result;
using util::Tree;

Result<void> check_keys(const Tree& object, std::initializer_list<const char*> known,
                        const std::string& where) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::none_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; })) {
      return Error::invalid_input(fmt::format("unknown field \"{}\" in {}", it.key(), where));
    }
  }
  return {};
}

Result<std::vector<std::string>> string_list(const Tree& v, const std::string& where) {
  std::vector<std::string> out;
  if (v.is_null()) {
    return out;
  }
  if (!v.is_array()) {
    return Error::invalid_input(fmt::format("{} must be a list of strings", where));
  }
  for (const Tree& item : v) {
    if (!item.is_string()) {
      return Error::invalid_input(fmt::format("{} must be a list of strings", where));
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

Result<std::vector<MetaValue>> parse_meta(const Tree& v) {
  std::vector<MetaValue> out;
  if (v.is_null()) {
    return out;
  }
  if (!v.is_array()) {
    return Error::invalid_input("customization.meta must be a list of {key, value}");
  }
  for (const Tree& item : v) {
    if (!item.is_object() || !item.contains("key") || !item["key"].is_number_integer()) {
      return Error::invalid_input("customization.meta items need an integer key");
    }
    RETURN_IF_ERROR(check_keys(item, {"key", "value"}, "customization.meta"));
    const int64_t key = item["key"].get<int64_t>();
    if (key < 0 || key > 255) {
      return Error::invalid_input(fmt::format("customization.meta key {} is not in 0-255", key));
    }
    out.push_back({static_cast<int>(key), item.value("value", "")});
  }
  return out;
}

Result<void> parse_customization(const Tree& c, Schematic& s) {
  if (c.is_null()) {
    return {};
  }
  if (!c.is_object()) {
    return Error::invalid_input("customization must be a mapping");
  }
  RETURN_IF_ERROR(
      check_keys(c, {"extraKernelArgs", "meta", "systemExtensions", "bootloader", "secureboot"},
                 "customization"));
  ASSIGN_OR_RETURN(s.extra_kernel_args, string_list(c.value("extraKernelArgs", Tree()),
                                                    "customization.extraKernelArgs"));
  ASSIGN_OR_RETURN(s.meta, parse_meta(c.value("meta", Tree())));
  const Tree ext = c.value("systemExtensions", Tree::object());
  if (!ext.is_object()) {
    return Error::invalid_input("customization.systemExtensions must be a mapping");
  }
  RETURN_IF_ERROR(check_keys(ext, {"officialExtensions"}, "customization.systemExtensions"));
  ASSIGN_OR_RETURN(s.official_extensions,
                   string_list(ext.value("officialExtensions", Tree()),
                               "customization.systemExtensions.officialExtensions"));
  s.bootloader = c.value("bootloader", "");
  const Tree sb = c.value("secureboot", Tree::object());
  RETURN_IF_ERROR(
      check_keys(sb, {"enrollKeys", "includeWellKnownCertificates"}, "customization.secureboot"));
  s.secureboot_enroll_keys = sb.value("enrollKeys", "");
  s.secureboot_include_well_known_certificates = sb.value("includeWellKnownCertificates", false);
  return {};
}

Tree customization_tree(const Schematic& s) {
  Tree c = Tree::object();
  auto list = [](const std::vector<std::string>& v) { return Tree(v); };
  if (!s.extra_kernel_args.empty()) {
    c["extraKernelArgs"] = list(s.extra_kernel_args);
  }
  if (!s.meta.empty()) {
    Tree meta = Tree::array();
    for (const MetaValue& m : s.meta) {
      meta.push_back({{"key", m.key}, {"value", m.value}});
    }
    c["meta"] = meta;
  }
  if (!s.official_extensions.empty()) {
    c["systemExtensions"] = {{"officialExtensions", list(s.official_extensions)}};
  }
  if (!s.bootloader.empty()) {
    c["bootloader"] = s.bootloader;
  }
  Tree sb = Tree::object();
  if (!s.secureboot_enroll_keys.empty()) {
    sb["enrollKeys"] = s.secureboot_enroll_keys;
  }
  if (s.secureboot_include_well_known_certificates) {
    sb["includeWellKnownCertificates"] = true;
  }
  if (!sb.empty()) {
    c["secureboot"] = sb;
  }
  return c;
}

}  // namespace

Result<Schematic> parse_schematic(std::string_view text, std::string_view origin) {
  ASSIGN_OR_RETURN(Tree doc, util::load_yaml(text, origin));
  if (doc.is_null()) {
    doc = Tree::object();
  }
  Schematic s;
  auto fail = [&](Error e) { return std::move(e).with_context(std::string(origin)); };
  if (!doc.is_object()) {
    return fail(Error::invalid_input("a schematic must be a mapping"));
  }
  if (Result<void> r = check_keys(doc, {"overlay", "customization"}, "schematic"); !r.ok()) {
    return fail(std::move(r).error());
  }
  if (doc.contains("overlay") && doc["overlay"].is_object()) {
    const Tree& o = doc["overlay"];
    if (Result<void> r = check_keys(o, {"image", "name", "options"}, "overlay"); !r.ok()) {
      return fail(std::move(r).error());
    }
    s.overlay =
        Overlay{o.value("image", ""), o.value("name", ""), o.value("options", Tree::object())};
  }
  if (Result<void> r = parse_customization(doc.value("customization", Tree()), s); !r.ok()) {
    return fail(std::move(r).error());
  }
  return s;
}

Schematic make_schematic(std::vector<std::string> extensions,
                         std::vector<std::string> extra_kernel_args) {
  std::set<std::string> unique(extensions.begin(), extensions.end());
  Schematic s;
  s.official_extensions.assign(unique.begin(), unique.end());
  s.extra_kernel_args = std::move(extra_kernel_args);
  return s;
}

std::string canonical_yaml(const Schematic& s) {
  Tree doc = Tree::object();
  if (s.overlay) {
    Tree o = {{"image", s.overlay->image}, {"name", s.overlay->name}};
    if (!s.overlay->options.empty()) {
      o["options"] = util::sort_keys(s.overlay->options, true);
    }
    doc["overlay"] = o;
  }
  doc["customization"] = customization_tree(s);
  return util::emit_yaml(doc);
}

std::string schematic_id(const Schematic& s) {
  return util::sha256_hex(canonical_yaml(s));
}

}  // namespace factory
