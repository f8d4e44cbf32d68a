// Machine-config acceptance as a Talos node does it (see machine_config.h): YAML stream →
// documents by kind → strict decode against the release's JSON Schema (with the fields Talos
// accepts but hides from its schema) → semantic rules → facts.
#include "emulators/talos/machine_config.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include "emulators/talos/json_schema.h"
#include "emulators/talos/machine_config_doc.h"
#include "emulators/talos/machine_config_facts.h"
#include "emulators/talos/machine_config_rules.h"
#include "util/yaml_load.h"

namespace talos_emu {

namespace {

using config_doc::Document;
using config_doc::Documents;

constexpr std::string_view kMissingV1Alpha1 =
    "the applied machine configuration doesn't contain v1alpha1 config, did you mean to patch "
    "the machine config instead?";

util::Error parse_failure(const std::string& what) {
  return util::Error::invalid_input("failed to parse config: " + what);
}

// hashicorp/go-multierror's layout, which Talos's validation errors use.
util::Error validation_failure(const std::vector<std::string>& errs) {
  std::string text =
      fmt::format("{} error{} occurred:\n", errs.size(), errs.size() == 1 ? "" : "s");
  for (const std::string& e : errs) {
    text += "\t* " + e + "\n";
  }
  return util::Error::invalid_input("configuration validation failed: " + text + "\n");
}

// "v1.11.6" → 11; 0 when unparsable.
int talos_minor(const std::string& version) {
  int major = 0, minor = 0;
  if (std::sscanf(version.c_str(), "v%d.%d", &major, &minor) != 2 || major != 1) {
    return 0;
  }
  return minor;
}

util::Result<Documents> split_documents(const std::vector<util::Tree>& trees, int minor) {
  Documents docs;
  docs.talos_minor = minor;
  std::set<std::string> seen;
  for (const util::Tree& tree : trees) {
    if (!tree.is_object()) {
      return parse_failure("every document must be a YAML mapping, got " +
                           std::string(tree.type_name()));
    }
    Document doc{config_doc::string_at(tree, {"kind"}), config_doc::string_at(tree, {"name"}),
                 tree};
    const std::string api_version = config_doc::string_at(tree, {"apiVersion"});
    const std::string version = config_doc::string_at(tree, {"version"});
    if (doc.kind.empty() && (version == "v1alpha1" || api_version == "v1alpha1")) {
      if (docs.v1alpha1) {
        return parse_failure("duplicate document: v1alpha1 is not allowed twice");
      }
      docs.v1alpha1 = tree;
      continue;
    }
    if (doc.kind.empty()) {
      return parse_failure("missing kind");
    }
    if (api_version != "v1alpha1") {
      return parse_failure(
          fmt::format("document {} has unsupported apiVersion \"{}\"", doc.kind, api_version));
    }
    const std::string key = api_version + "/" + doc.kind + "/" + doc.name;
    if (!seen.insert(key).second) {
      return parse_failure(
          fmt::format("duplicate document: apiVersion={} kind={} name={} is not "
                      "allowed",
                      api_version, doc.kind, doc.name));
    }
    docs.others.push_back(std::move(doc));
  }
  return docs;
}

// Fields Talos decodes but leaves out of its published schema (talos.md §4.8).
util::Tree strip_schema_allowances(util::Tree doc, int minor) {
  doc.erase("persist");
  if (auto machine = doc.find("machine"); machine != doc.end() && machine->is_object()) {
    machine->erase("disks");
    machine->erase("systemDiskEncryption");
    if (auto install = machine->find("install");
        install != machine->end() && install->is_object()) {
      install->erase("extensions");
      install->erase("bootloader");
      if (minor >= 12) {
        install->erase("extraKernelArgs");
      }
    }
    if (util::Tree* ifaces =
            const_cast<util::Tree*>(config_doc::find(*machine, {"network", "interfaces"}));
        ifaces != nullptr && ifaces->is_array()) {
      for (auto& iface : *ifaces) {
        if (!iface.is_object()) {
          continue;
        }
        iface.erase("cidr");
        if (auto vlans = iface.find("vlans"); vlans != iface.end() && vlans->is_array()) {
          for (auto& vlan : *vlans) {
            if (vlan.is_object()) {
              vlan.erase("cidr");
            }
          }
        }
      }
    }
  }
  if (auto cluster = doc.find("cluster"); cluster != doc.end() && cluster->is_object()) {
    cluster->erase("allowSchedulingOnMasters");
    if (auto etcd = cluster->find("etcd"); etcd != cluster->end() && etcd->is_object()) {
      etcd->erase("subnet");
    }
  }
  return doc;
}

std::string where(const std::string& kind, const SchemaError& e) {
  return (kind.empty() ? "v1alpha1" : kind) + " " + (e.path.empty() ? "/" : e.path) + ": " +
         e.message;
}

bool under(const std::string& path, const std::string& prefix) {
  return path == prefix ||
         (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
          path[prefix.size()] == '/');
}

// From v1.12 the published schemas hide v1alpha1 fields that were deprecated in favour of
// documents (machine.network.*, machine.features.rbac, …), yet Talos still decodes them: a key
// unknown to the release's schema is accepted when the v1.11 schema (the last one listing them
// all) knows it, and then checked against v1.11's definition.
std::vector<SchemaError> v1alpha1_schema_errors(const SchemaValidator& schema,
                                                const util::Tree& doc,
                                                const AcceptOptions& options) {
  std::vector<SchemaError> errors = schema.validate_document(doc);
  constexpr int kLastFullSchemaMinor = 11;
  auto legacy = SchemaValidator::load(
      fmt::format("{}/v1.{}/config.schema.json", options.schema_dir, kLastFullSchemaMinor));
  bool any_unknown = std::any_of(errors.begin(), errors.end(), [](const SchemaError& e) {
    return e.kind == SchemaErrorKind::UnknownKey;
  });
  if (!any_unknown || !legacy.ok() || legacy->get() == &schema) {
    return errors;
  }
  std::vector<SchemaError> legacy_errors = (*legacy)->validate_document(doc);
  auto legacy_unknown = [&](const std::string& path) {
    return std::any_of(legacy_errors.begin(), legacy_errors.end(), [&](const SchemaError& e) {
      return e.kind == SchemaErrorKind::UnknownKey && e.path == path;
    });
  };
  std::vector<std::string> rescued;
  std::vector<SchemaError> kept;
  for (SchemaError& e : errors) {
    if (e.kind == SchemaErrorKind::UnknownKey && !legacy_unknown(e.path)) {
      rescued.push_back(e.path);
    } else {
      kept.push_back(std::move(e));
    }
  }
  for (SchemaError& e : legacy_errors) {
    if (std::any_of(rescued.begin(), rescued.end(),
                    [&](const std::string& r) { return under(e.path, r); })) {
      kept.push_back(std::move(e));
    }
  }
  return kept;
}

// Decode errors (unknown keys, wrong YAML types) fail as parse errors, the rest as validation.
util::Result<void> check_schema(const Documents& docs, const AcceptOptions& options) {
  const std::string path =
      fmt::format("{}/v1.{}/config.schema.json", options.schema_dir, docs.talos_minor);
  auto loaded = SchemaValidator::load(path);
  if (!loaded.ok()) {
    return util::Error::internal("no JSON schema for Talos " + options.talos_version + ": " +
                                 loaded.error().message);
  }
  const SchemaValidator& schema = **loaded;
  std::vector<std::pair<std::string, SchemaError>> found;
  if (docs.v1alpha1) {
    util::Tree stripped = strip_schema_allowances(*docs.v1alpha1, docs.talos_minor);
    for (auto& e : v1alpha1_schema_errors(schema, stripped, options)) {
      found.emplace_back("", std::move(e));
    }
    const util::Tree* persist = config_doc::find(*docs.v1alpha1, {"persist"});
    if (persist != nullptr && !persist->is_null() && !persist->is_boolean()) {
      found.emplace_back(
          "",
          SchemaError{"/persist", "expected boolean, but got " + std::string(persist->type_name()),
                      SchemaErrorKind::WrongType});
    }
  }
  for (const Document& d : docs.others) {
    util::Tree body = d.body;
    // The v1.14 rc schema names this kind "UnattendedInstall" while talosctl v1.14.0-rc.1 writes
    // (and the node accepts) "UnattendedInstallConfig".
    if (d.kind == "UnattendedInstallConfig" && !schema.knows_kind(d.kind) &&
        schema.knows_kind("UnattendedInstall")) {
      body["kind"] = "UnattendedInstall";
    }
    if (!schema.knows_kind(body["kind"].get<std::string>())) {
      return parse_failure(fmt::format("unknown document kind \"{}\": Talos {} does not support it",
                                       d.kind, options.talos_version));
    }
    for (auto& e : schema.validate_document(body)) {
      found.emplace_back(d.kind, std::move(e));
    }
  }
  std::vector<std::string> unknown, wrong_type, invalid;
  for (const auto& [kind, e] : found) {
    switch (e.kind) {
      case SchemaErrorKind::UnknownKey:
        unknown.push_back(where(kind, e));
        break;
      case SchemaErrorKind::WrongType:
        wrong_type.push_back(where(kind, e));
        break;
      case SchemaErrorKind::Invalid:
        invalid.push_back(where(kind, e));
        break;
    }
  }
  if (!unknown.empty()) {
    return parse_failure(
        fmt::format("unknown keys found during decoding: {}", fmt::join(unknown, "; ")));
  }
  if (!wrong_type.empty()) {
    return parse_failure(fmt::format("yaml: unmarshal errors: {}", fmt::join(wrong_type, "; ")));
  }
  if (!invalid.empty()) {
    return validation_failure(invalid);
  }
  return {};
}

void add_deprecation_warnings(const Documents& docs, std::vector<std::string>& warnings) {
  if (!docs.v1alpha1) {
    return;
  }
  const util::Tree& m = *docs.v1alpha1;
  auto warn_if_set = [&](std::initializer_list<const char*> path, const char* message) {
    if (config_doc::find(m, path) != nullptr) {
      warnings.emplace_back(message);
    }
  };
  warn_if_set({"machine", "install", "extensions"},
              "machine.install.extensions is deprecated and ignored: use an Image Factory "
              "installer");
  warn_if_set({"machine", "disks"}, "machine.disks is deprecated: use UserVolumeConfig documents");
  warn_if_set({"machine", "systemDiskEncryption"},
              "machine.systemDiskEncryption is deprecated: use VolumeConfig documents");
  warn_if_set({"cluster", "allowSchedulingOnMasters"},
              "cluster.allowSchedulingOnMasters is deprecated: use allowSchedulingOnControlPlanes");
}

// v1alpha1 paths whose changes apply without a reboot (talos.md §2.4).
constexpr std::array<std::string_view, 25> kLivePaths{
    "/debug",
    "/cluster",
    "/machine/ca",
    "/machine/acceptedCAs",
    "/machine/time",
    "/machine/certSANs",
    "/machine/install",
    "/machine/network",
    "/machine/sysfs",
    "/machine/sysctls",
    "/machine/logging",
    "/machine/controlPlane",
    "/machine/kubelet",
    "/machine/kernel",
    "/machine/registries",
    "/machine/pods",
    "/machine/seccompProfiles",
    "/machine/nodeLabels",
    "/machine/nodeAnnotations",
    "/machine/nodeTaints",
    "/machine/features/kubernetesTalosAPIAccess",
    "/machine/features/kubePrism",
    "/machine/features/hostDNS",
    "/machine/features/imageCache",
    "/machine/features/nodeAddressSortAlgorithm",
};

bool applies_live(const std::string& path) {
  for (std::string_view live : kLivePaths) {
    if (path == live || (path.size() > live.size() && path.compare(0, live.size(), live) == 0 &&
                         path[live.size()] == '/')) {
      return true;
    }
  }
  return false;
}

void diff_trees(const util::Tree& a, const util::Tree& b, const std::string& path,
                std::vector<std::string>& out) {
  if (a.is_object() || b.is_object()) {
    static const util::Tree kNull;
    std::set<std::string> keys;
    if (a.is_object()) {
      for (auto it = a.begin(); it != a.end(); ++it) {
        keys.insert(it.key());
      }
    }
    if (b.is_object()) {
      for (auto it = b.begin(); it != b.end(); ++it) {
        keys.insert(it.key());
      }
    }
    for (const std::string& key : keys) {
      const util::Tree& av = a.is_object() && a.contains(key) ? a.at(key) : kNull;
      const util::Tree& bv = b.is_object() && b.contains(key) ? b.at(key) : kNull;
      diff_trees(av, bv, path + "/" + key, out);
    }
    return;
  }
  if (a != b) {
    out.push_back(path.empty() ? "/" : path);
  }
}

}  // namespace

util::Result<MachineConfig> accept_machine_config(const std::string& yaml,
                                                  const AcceptOptions& options) {
  auto trees = util::load_yaml_stream(yaml, "machine config");
  if (!trees.ok()) {
    return parse_failure(trees.error().message);
  }
  if (trees->empty()) {
    return parse_failure("the config is empty: it holds no YAML document");
  }
  const int minor = talos_minor(options.talos_version);
  ASSIGN_OR_RETURN(Documents docs, split_documents(*trees, minor));
  if (!docs.v1alpha1 && !options.maintenance) {
    return util::Error::invalid_input(std::string(kMissingV1Alpha1));
  }
  if (!options.schema_dir.empty()) {
    RETURN_IF_ERROR(check_schema(docs, options));
  }
  MachineConfig config;
  std::vector<std::string> errs = check_config_rules(docs, options, config.warnings);
  if (!errs.empty()) {
    return validation_failure(errs);
  }
  add_deprecation_warnings(docs, config.warnings);
  extract_config_facts(docs, config);
  config.raw_yaml = yaml;
  config.v1alpha1 = docs.v1alpha1 ? *docs.v1alpha1 : util::Tree();
  for (const Document& d : docs.others) {
    config.kinds.push_back(d.kind);
  }
  return config;
}

std::vector<std::string> changed_paths(const MachineConfig& old_config,
                                       const MachineConfig& new_config) {
  std::vector<std::string> out;
  diff_trees(old_config.v1alpha1, new_config.v1alpha1, "", out);
  return out;
}

bool change_needs_reboot(const MachineConfig& old_config, const MachineConfig& new_config) {
  for (const std::string& path : changed_paths(old_config, new_config)) {
    if (!applies_live(path)) {
      return true;
    }
  }
  return false;
}

}  // namespace talos_emu
