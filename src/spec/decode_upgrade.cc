// The upgrade section: how many workers a Talos rollout takes out at once, and the user's gate.
#include <algorithm>

#include <fmt/format.h>

#include "spec/decode.h"
#include "spec/keys.h"
#include "util/duration.h"

namespace spec {
namespace {

void get_duration(DecodeContext& ctx, const MapReader& map, std::string_view key,
                  std::chrono::seconds& out) {
  const std::optional<Field> f = map.get(key);
  if (!f) {
    return;
  }
  const std::optional<std::string> text = read_string(ctx, *f);
  if (!text) {
    return;
  }
  if (const std::optional<std::chrono::seconds> d = util::parse_duration(*text)) {
    out = *d;
    return;
  }
  ctx.report.error(f->value, f->path, fmt::format("\"{}\" is not a duration", *text),
                   "write it like 90s, 10m or 1h");
  ctx.positions.forget(f->path);
}

}  // namespace

void decode_upgrade(DecodeContext& ctx, const Field& field, UpgradePolicy& out) {
  const MapReader m(ctx, field, keys::kUpgrade);
  if (const std::optional<Field> f = m.get("workersMaxUnavailable")) {
    if (const std::optional<int64_t> v = read_int(ctx, *f); v && at_least_one(ctx, *f, *v)) {
      out.workers_max_unavailable = static_cast<int>(std::min<int64_t>(*v, 1000));
    }
  }
  if (const std::optional<Field> gate = m.get("gate")) {
    const MapReader g(ctx, *gate, keys::kGate);
    if (const std::optional<Field> f = g.require("command", "e.g. command: ./check-storage.sh")) {
      if (std::optional<std::string> v = read_string(ctx, *f)) {
        out.gate.command = std::move(*v);
      }
    }
    get_duration(ctx, g, "timeout", out.gate.timeout);
    get_duration(ctx, g, "interval", out.gate.interval);
  }
}

}  // namespace spec
