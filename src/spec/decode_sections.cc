// The network, cni and image sections.
#include <array>
#include <utility>

#include <fmt/format.h>

#include "spec/decode.h"
#include "spec/keys.h"
#include "util/file.h"

namespace spec {
namespace {

constexpr std::array<std::pair<std::string_view, CiliumInstall>, 2> kInstallModes{
    {{"job", CiliumInstall::Job}, {"manifest", CiliumInstall::Manifest}}};
constexpr std::array<std::pair<std::string_view, BootMethod>, 2> kBootMethods{
    {{"iso", BootMethod::Iso}, {"diskImage", BootMethod::DiskImage}}};

// Reads the user's rendered Cilium manifest now, so later stages do no file I/O.
void read_manifest(DecodeContext& ctx, const Field& field, Cilium& out) {
  const std::optional<std::string> path = read_string(ctx, field);
  if (!path) {
    return;
  }
  out.manifest_file = *path;
  const std::string full = resolve_file(ctx, *path);
  util::Result<std::string> text = util::read_file(full);
  if (!text.ok()) {
    ctx.report.error(field.key, field.path,
                     fmt::format("Cilium manifest: {}", text.error().message),
                     "render it with `helm template cilium cilium/cilium …` or use install: job");
    return;
  }
  out.manifest_contents = std::move(*text);
}

}  // namespace

void decode_network(DecodeContext& ctx, const Field& field, Network& out) {
  const MapReader m(ctx, field, keys::kNetwork);
  if (const std::optional<Field> f = m.require("cidr", "e.g. cidr: 127.10.0.0/24")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.cidr = std::move(*v);
    }
  }
  get_string(ctx, m, "gateway", out.gateway);
  get_strings(ctx, m, "nameservers", out.nameservers);
  get_int(ctx, m, "mtu", out.mtu);
  get_int(ctx, m, "vlan", out.vlan);
}

void decode_cni(DecodeContext& ctx, const Field& field, Cilium& out) {
  const MapReader cni(ctx, field, keys::kCni);
  const std::optional<Field> cilium = cni.require("cilium", "Cilium is the CNI talforge installs");
  if (!cilium) {
    return;
  }
  const MapReader m(ctx, *cilium, keys::kCilium);
  get_string(ctx, m, "version", out.version);
  if (const std::optional<Field> f = m.get("install")) {
    if (std::optional<CiliumInstall> v = read_enum<CiliumInstall>(ctx, *f, kInstallModes)) {
      out.install = *v;
    }
  }
  if (const std::optional<Field> f = m.get("manifestFile")) {
    read_manifest(ctx, *f, out);
  }
  ctx.positions.record(cilium->path, {cilium->key, cilium->value});
}

void decode_image(DecodeContext& ctx, const Field& field, Image& out) {
  const MapReader m(ctx, field, keys::kImage);
  get_string(ctx, m, "factoryUrl", out.factory_url);
  get_strings(ctx, m, "systemExtensions", out.extensions);
  get_strings(ctx, m, "extraKernelArgs", out.extra_kernel_args);
  if (const std::optional<Field> f = m.get("boot")) {
    if (std::optional<BootMethod> v = read_enum<BootMethod>(ctx, *f, kBootMethods)) {
      out.boot = *v;
    }
  }
  get_string(ctx, m, "platform", out.platform);
}

}  // namespace spec
