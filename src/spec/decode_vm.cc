// The proxmox connection and the vm defaults.
#include <fmt/format.h>

#include "spec/decode.h"
#include "spec/keys.h"

namespace spec {

bool at_least_one(DecodeContext& ctx, const Field& f, int64_t v) {
  if (v < 1) {
    const std::string key = f.path.substr(f.path.rfind('.') + 1);
    ctx.report.error(f.value, f.path, fmt::format("{} must be at least 1", key));
    ctx.positions.forget(f.path);
    return false;
  }
  return true;
}

namespace {

// Sizes above 2^31 units cannot be real and would not fit the model's int; 0 would read as
// "not set" in the model, so it is refused too.
bool fits(DecodeContext& ctx, const Field& f, int64_t v) {
  if (v > INT32_MAX) {
    ctx.report.error(f.value, f.path, fmt::format("{} is out of range", v));
    ctx.positions.forget(f.path);
    return false;
  }
  return at_least_one(ctx, f, v);
}

}  // namespace

void get_cores(DecodeContext& ctx, const MapReader& map, int& out) {
  if (const std::optional<Field> f = map.get("cores")) {
    if (const std::optional<int64_t> v = read_int(ctx, *f); v && fits(ctx, *f, *v)) {
      out = static_cast<int>(*v);
    }
  }
}

void get_memory(DecodeContext& ctx, const MapReader& map, int& out) {
  if (const std::optional<Field> f = map.get("memory")) {
    if (const std::optional<int64_t> v = read_mib(ctx, *f); v && fits(ctx, *f, *v)) {
      out = static_cast<int>(*v);
    }
  }
}

void get_disk(DecodeContext& ctx, const MapReader& map, int& out) {
  if (const std::optional<Field> f = map.get("diskSize")) {
    if (const std::optional<int64_t> v = read_gib(ctx, *f); v && fits(ctx, *f, *v)) {
      out = static_cast<int>(*v);
    }
  }
}

void decode_proxmox(DecodeContext& ctx, const Field& field, ProxmoxConnection& out) {
  const MapReader m(ctx, field, keys::kProxmox);
  if (const std::optional<Field> f =
          m.require("endpoint", "e.g. endpoint: https://127.0.0.1:8006")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.endpoint = std::move(*v);
    }
  }
  if (const std::optional<Field> f = m.require("tokenId", "e.g. tokenId: talforge@pve!ci")) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out.token_id = std::move(*v);
    }
  }
  get_string(ctx, m, "tokenSecretEnv", out.token_secret_env);
  get_string(ctx, m, "caFile", out.ca_file);
  get_string(ctx, m, "fingerprint", out.fingerprint);
  get_bool(ctx, m, "insecureSkipVerify", out.insecure_skip_verify);
}

void decode_vm(DecodeContext& ctx, const Field& field, VmDefaults& out) {
  const MapReader m(ctx, field, keys::kVm);
  get_string(ctx, m, "pveNode", out.pve_node);
  get_string(ctx, m, "storage", out.storage);
  get_string(ctx, m, "isoStorage", out.iso_storage);
  get_string(ctx, m, "bridge", out.bridge);
  get_int(ctx, m, "vlan", out.vlan);
  get_cores(ctx, m, out.cores);
  get_string(ctx, m, "cpuType", out.cpu_type);
  get_memory(ctx, m, out.memory_mib);
  get_disk(ctx, m, out.disk_gib);
  get_strings(ctx, m, "tags", out.tags);
}

}  // namespace spec
