// The nodes list.
#include <array>
#include <utility>

#include <fmt/format.h>

#include "spec/decode.h"
#include "spec/keys.h"

namespace spec {
namespace {

constexpr std::array<std::pair<std::string_view, NodeRole>, 2> kRoles{
    {{"controlplane", NodeRole::ControlPlane}, {"worker", NodeRole::Worker}}};

void get_required_string(DecodeContext& ctx, const MapReader& m, std::string_view key,
                         std::string& out, std::string hint = {}) {
  if (const std::optional<Field> f = m.require(key, std::move(hint))) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out = std::move(*v);
    }
  }
}

Node decode_node(DecodeContext& ctx, const Field& field) {
  Node n;
  const MapReader m(ctx, field, keys::kNode);
  if (!m.is_map()) {
    return n;
  }
  ctx.positions.record(field.path, {field.key, field.value});
  get_required_string(ctx, m, "name", n.name, "the name becomes the node's hostname, e.g. cp-1");
  if (const std::optional<Field> f = m.require("role", "role: controlplane or role: worker")) {
    if (std::optional<NodeRole> v = read_enum<NodeRole>(ctx, *f, kRoles)) {
      n.role = *v;
    } else {
      ctx.positions.forget(f->path);
    }
  }
  get_required_string(ctx, m, "address", n.address, "the node's static IPv4 address");
  get_string(ctx, m, "pveNode", n.pve_node);
  get_int(ctx, m, "vmid", n.vmid);
  get_cores(ctx, m, n.cores);
  get_memory(ctx, m, n.memory_mib);
  get_disk(ctx, m, n.disk_gib);
  get_string(ctx, m, "installDisk", n.install_disk);
  if (const std::optional<Field> f = m.get("patches")) {
    n.patches = decode_patch_list(ctx, *f);
  }
  return n;
}

}  // namespace

void decode_nodes(DecodeContext& ctx, const Field& field, std::vector<Node>& out) {
  const std::vector<Field> items = list_items(ctx, field);
  out.reserve(items.size());
  for (const Field& item : items) {
    out.push_back(decode_node(ctx, item));
  }
}

}  // namespace spec
