// Patch checks. Detection mirrors talosctl's order closely enough for diagnostics; the exact
// decoding happens in talos/ when configs are generated.
#include "spec/patch_check.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "spec/yaml_reader.h"

namespace spec {
namespace {

constexpr OwnedKey kOwned[] = {
    {"machine.type", "nodes[].role"},
    {"machine.token", "the secrets bundle"},
    {"machine.ca", "the secrets bundle"},
    {"machine.network.hostname", "nodes[].name"},
    {"machine.install.disk", "nodes[].installDisk"},
    {"machine.install.image", "the image section (Image Factory schematic)"},
    {"cluster.id", "the secrets bundle"},
    {"cluster.secret", "the secrets bundle"},
    {"cluster.token", "the secrets bundle"},
    {"cluster.ca", "the secrets bundle"},
    {"cluster.aggregatorCA", "the secrets bundle"},
    {"cluster.serviceAccount", "the secrets bundle"},
    {"cluster.etcd.ca", "the secrets bundle"},
    {"cluster.secretboxEncryptionSecret", "the secrets bundle"},
    {"cluster.aescbcEncryptionSecret", "the secrets bundle"},
    {"cluster.clusterName", "cluster.name"},
    {"cluster.controlPlane.endpoint", "cluster.endpoint and cluster.endpointPort"},
    {"cluster.network.podSubnets", "cluster.podSubnets"},
    {"cluster.network.serviceSubnets", "cluster.serviceSubnets"},
    {"cluster.network.dnsDomain", "cluster.dnsDomain"},
    {"cluster.network.cni", "the cni section (talforge installs Cilium)"},
    {"cluster.proxy", "the cni section (Cilium replaces kube-proxy)"},
    {"cluster.inlineManifests", "the cni section (the Cilium inline manifest)"},
    {"machine.network.interfaces", "network.cidr, network.gateway and nodes[].address"},
    {"machine.network.nameservers", "network.nameservers"},
    {"machine.kubelet.nodeIP", "network.cidr"},
    {"cluster.etcd.advertisedSubnets", "network.cidr"},
};

// Documents talforge writes for Talos v1.12 and newer (node network and name).
constexpr std::string_view kOwnedKinds[] = {"HostnameConfig", "LinkAliasConfig", "LinkConfig",
                                            "Layer2VIPConfig", "ResolverConfig"};

constexpr std::string_view kOps[] = {"add", "remove", "replace", "move", "copy", "test"};

void warn_owned(const PatchText& where, const YAML::Mark& mark, const OwnedKey& owned,
                const std::string& path) {
  where.report.warning(
      where.place(mark), path,
      fmt::format("the patch sets {}, which talforge derives from {}", owned.path, owned.set_by),
      fmt::format("set {} instead; a patch value overrides talforge's", owned.set_by));
}

// The value of `key` in a mapping. (Returned by value: assigning one YAML::Node to another
// rewrites the node it refers to, so nodes are only ever copy-constructed here.)
std::optional<YAML::Node> map_value(const YAML::Node& map, std::string_view key) {
  if (!map.IsMap()) {
    return std::nullopt;
  }
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == key) {
      return kv.second;
    }
  }
  return std::nullopt;
}

// The key node of `dotted` ("machine.network.hostname") inside a strategic-merge document.
std::optional<YAML::Node> find_key(const YAML::Node& map, std::string_view dotted) {
  const size_t dot = dotted.find('.');
  const std::string_view part = dotted.substr(0, dot);
  if (!map.IsMap()) {
    return std::nullopt;
  }
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == part) {
      if (dot == std::string_view::npos) {
        return kv.first;
      }
      return find_key(kv.second, dotted.substr(dot + 1));
    }
  }
  return std::nullopt;
}

void check_strategic_doc(const YAML::Node& doc, const PatchText& where) {
  if (const std::optional<YAML::Node> kind = map_value(doc, "kind")) {
    const bool owned = kind->IsScalar() && std::find(std::begin(kOwnedKinds),
                                                     std::end(kOwnedKinds),
                                                     kind->Scalar()) != std::end(kOwnedKinds);
    if (owned) {
      where.report.warning(
          where.place(kind->Mark()), where.join("kind"),
          fmt::format("the patch changes a {} document, which talforge writes for each node "
                      "(its name and static network)",
                      kind->Scalar()),
          "set nodes[].name, nodes[].address and the network section instead");
    }
    return;
  }
  for (const OwnedKey& owned : kOwned) {
    if (std::optional<YAML::Node> key = find_key(doc, owned.path)) {
      warn_owned(where, key->Mark(), owned, where.join(owned.path));
    }
  }
}

// "/machine/network/hostname" → "machine.network.hostname" (JSON-pointer escapes undone).
std::string pointer_to_dotted(std::string_view pointer) {
  std::string out;
  for (size_t i = 1; i < pointer.size(); ++i) {
    if (pointer[i] == '/') {
      out += '.';
    } else if (pointer[i] == '~' && i + 1 < pointer.size()) {
      out += pointer[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += pointer[i];
    }
  }
  return out;
}

void check_op_path(const YAML::Node& path, const PatchText& where, const std::string& at) {
  const std::string dotted = pointer_to_dotted(path.Scalar());
  for (const OwnedKey& owned : kOwned) {
    if (dotted == owned.path || dotted.starts_with(std::string(owned.path) + ".")) {
      warn_owned(where, path.Mark(), owned, at);
    }
  }
}

bool check_op(const YAML::Node& op, size_t index, const PatchText& where) {
  const std::string at = where.join(fmt::format("[{}]", index));
  const std::optional<YAML::Node> name = map_value(op, "op");
  if (!name || !name->IsScalar()) {
    where.report.error(where.place(op.Mark()), at,
                       "an RFC 6902 operation needs \"op\" and \"path\"",
                       "e.g. {op: add, path: /machine/sysctls, value: {}}");
    return false;
  }
  const std::string_view* known = std::find(std::begin(kOps), std::end(kOps), name->Scalar());
  if (known == std::end(kOps)) {
    where.report.error(where.place(name->Mark()), at + ".op",
                       fmt::format("unknown RFC 6902 operation \"{}\"", name->Scalar()),
                       "use add, remove, replace, move, copy or test");
    return false;
  }
  const std::optional<YAML::Node> path = map_value(op, "path");
  if (!path || !path->IsScalar() || !path->Scalar().starts_with('/')) {
    where.report.error(where.place(op.Mark()), at + ".path",
                       "an RFC 6902 operation needs a \"path\" starting with /");
    return false;
  }
  const bool needs_value = *known == "add" || *known == "replace" || *known == "test";
  const bool needs_from = *known == "move" || *known == "copy";
  if ((needs_value && !map_value(op, "value")) || (needs_from && !map_value(op, "from"))) {
    where.report.error(
        where.place(op.Mark()), at,
        fmt::format("operation \"{}\" needs \"{}\"", *known, needs_value ? "value" : "from"));
    return false;
  }
  check_op_path(*path, where, at + ".path");
  return true;
}

std::optional<PatchKind> check_documents(const std::vector<YAML::Node>& docs,
                                         const PatchText& where) {
  if (docs.empty()) {
    where.report.error(where.place(YAML::Mark()), where.path, "the patch is empty");
    return std::nullopt;
  }
  if (docs.size() == 1 && docs[0].IsSequence()) {
    bool ok = true;
    size_t i = 0;
    for (const YAML::Node& op : docs[0]) {
      ok = check_op(op, i++, where) && ok;
    }
    return ok ? std::optional(PatchKind::Json6902) : std::nullopt;
  }
  bool ok = true;
  for (const YAML::Node& doc : docs) {
    if (!doc.IsMap()) {
      where.report.error(
          where.place(doc.Mark()), where.path,
          fmt::format("a patch document must be a mapping, found {}", describe_node(doc)),
          "write a partial machine config (strategic merge) or a list of RFC 6902 "
          "operations");
      ok = false;
      continue;
    }
    check_strategic_doc(doc, where);
  }
  return ok ? std::optional(PatchKind::StrategicMerge) : std::nullopt;
}

}  // namespace

Place PatchText::place(const YAML::Mark& mark) const {
  if (fixed) {
    return *fixed;
  }
  if (mark.line < 0) {
    return {line_offset + 1, column_offset + 1};
  }
  if (last_line >= 0 && mark.line > last_line) {
    return {line_offset + last_line + 1, column_offset + last_line_length + 1};
  }
  return {line_offset + mark.line + 1, column_offset + mark.column + 1};
}

std::string PatchText::join(std::string_view sub) const {
  if (path.empty() || sub.empty()) {
    return path.empty() ? std::string(sub) : path;
  }
  return sub.starts_with('[') ? fmt::format("{}{}", path, sub) : fmt::format("{}.{}", path, sub);
}

namespace {

// Sets where.last_line from the text (its last non-empty line).
PatchText with_text_end(std::string_view text, PatchText where) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  const size_t start = text.rfind('\n');
  where.last_line = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  where.last_line_length =
      static_cast<int>(start == std::string_view::npos ? text.size() : text.size() - start - 1);
  return where;
}

}  // namespace

std::optional<PatchKind> check_patch_text(std::string_view text, const PatchText& given) {
  const PatchText where = with_text_end(text, given);
  std::vector<YAML::Node> docs;
  try {
    for (YAML::Node& doc : YAML::LoadAll(std::string(text))) {
      if (!doc.IsNull()) {
        docs.push_back(std::move(doc));
      }
    }
  } catch (const YAML::Exception& e) {
    where.report.error(where.place(e.mark), where.path,
                       fmt::format("the patch does not parse: {}", e.msg),
                       "a patch is YAML or JSON: a partial machine config or RFC 6902 operations");
    return std::nullopt;
  }
  return check_documents(docs, where);
}

std::optional<PatchKind> check_patch_node(const YAML::Node& node, const PatchText& where) {
  return check_documents({node}, where);
}

std::span<const OwnedKey> owned_keys() {
  return kOwned;
}

}  // namespace spec
