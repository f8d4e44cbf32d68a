// The root mapping and the `cluster` section.
#include "spec/decode.h"

#include <fmt/format.h>

#include "spec/defaults.h"
#include "spec/keys.h"

namespace spec {
namespace {

void check_header(DecodeContext& ctx, const MapReader& root) {
  struct Expected {
    std::string_view key;
    std::string_view value;
  };
  for (const Expected& e : {Expected{"apiVersion", kApiVersion}, Expected{"kind", kKind}}) {
    const std::string hint = fmt::format("start the file with \"{}: {}\"", e.key, e.value);
    const std::optional<Field> f = root.require(e.key, hint);
    if (!f) {
      continue;
    }
    const std::optional<std::string> v = read_string(ctx, *f);
    if (v && *v != e.value) {
      ctx.report.error(f->value, f->path, fmt::format("unsupported {} \"{}\"", e.key, *v),
                       fmt::format("this talforge reads {}: {}", e.key, e.value));
    }
  }
}

}  // namespace

std::string resolve_file(const DecodeContext& ctx, const std::string& path) {
  if (ctx.base_dir.empty() || path.starts_with('/')) {
    return path;
  }
  return ctx.base_dir + "/" + path;
}

void decode_cluster_section(DecodeContext& ctx, const Field& field, Cluster& out) {
  const MapReader m(ctx, field, keys::kCluster);
  if (!m.is_map()) {
    return;
  }
  if (const std::optional<Field> f = m.require("name")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.name = std::move(*v);
    }
  }
  if (const std::optional<Field> f = m.require("talosVersion", "e.g. talosVersion: v1.11.6")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.talos_version = std::move(*v);
    }
  }
  get_string(ctx, m, "kubernetesVersion", out.kubernetes_version);
  get_string(ctx, m, "endpoint", out.endpoint);
  get_int(ctx, m, "endpointPort", out.endpoint_port);
  if (const std::optional<Field> f = m.get("vip")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.vip = std::move(*v);
    }
  }
  get_strings(ctx, m, "podSubnets", out.pod_subnets);
  get_strings(ctx, m, "serviceSubnets", out.service_subnets);
  get_string(ctx, m, "dnsDomain", out.dns_domain);
  get_bool(ctx, m, "allowSchedulingOnControlPlanes", out.allow_scheduling_on_control_planes);
  get_string(ctx, m, "secretsFile", out.secrets_file);
}

Cluster decode_cluster(DecodeContext& ctx, const YAML::Node& root) {
  Cluster c;
  const Place top = root.IsNull() ? Place{1, 1} : place_of(root.Mark());
  const MapReader m(ctx, Field{root, "", top, top}, keys::kRoot);
  if (!m.is_map()) {
    return c;
  }
  check_header(ctx, m);
  if (const std::optional<Field> f = m.require("cluster")) {
    decode_cluster_section(ctx, *f, c);
    ctx.talos_version = c.talos_version;  // patches are checked against it
  }
  if (const std::optional<Field> f = m.require("network", "e.g. network: {cidr: 127.10.0.0/24}")) {
    decode_network(ctx, *f, c.network);
  }
  if (const std::optional<Field> f = m.get("cni")) {
    decode_cni(ctx, *f, c.cilium);
  }
  if (const std::optional<Field> f = m.get("image")) {
    decode_image(ctx, *f, c.image);
  }
  if (const std::optional<Field> f = m.get("patches")) {
    decode_patches(ctx, *f, c.patches);
  }
  if (const std::optional<Field> f = m.require("proxmox")) {
    decode_proxmox(ctx, *f, c.proxmox);
  }
  if (const std::optional<Field> f = m.get("vm")) {
    decode_vm(ctx, *f, c.vm_defaults);
  }
  if (const std::optional<Field> f = m.get("upgrade")) {
    decode_upgrade(ctx, *f, c.upgrade);
  }
  if (const std::optional<Field> f = m.require("nodes", "list the cluster's machines")) {
    decode_nodes(ctx, *f, c.nodes);
  }
  return c;
}

}  // namespace spec
