// Typed reading of yaml-cpp nodes. Scalars are parsed from their text (never with
// YAML::Node::as, which throws) and quoted scalars are never numbers or booleans.
#include "spec/yaml_reader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "spec/did_you_mean.h"
#include "spec/keys.h"
#include "spec/sizes.h"

namespace spec {
namespace {

std::string join_path(const std::string& parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

bool is_plain(const YAML::Node& node) {
  return node.IsScalar() && node.Tag() != "!";
}

std::string join_keys(std::span<const std::string_view> keys) {
  std::string out;
  for (std::string_view k : keys) {
    out += out.empty() ? "" : ", ";
    out += k;
  }
  return out;
}

bool mentions_secret(std::string_view key) {
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("secret") != std::string::npos || lower.find("password") != std::string::npos;
}

std::string unknown_key_hint(std::string_view key, std::span<const std::string_view> allowed) {
  const std::optional<std::string> guess = did_you_mean(key, allowed);
  // "tokenSecret: …" is close to tokenSecretEnv, but the fix is not to rename the key.
  if (mentions_secret(key) && (!guess || *guess == "tokenSecretEnv")) {
    return "cluster.yaml never holds secrets: put the secret in an environment variable and "
           "write that variable's name in proxmox.tokenSecretEnv";
  }
  if (guess) {
    return fmt::format("did you mean \"{}\"?", *guess);
  }
  // A key written in the wrong section, e.g. `cidr` at the top level.
  std::vector<std::string_view> homes;
  for (const keys::Section& s : keys::kSections) {
    if (std::find(s.keys.begin(), s.keys.end(), key) != s.keys.end()) {
      homes.push_back(s.name);
    }
  }
  if (!homes.empty()) {
    return fmt::format("\"{}\" belongs in {}", key, fmt::join(homes, " or "));
  }
  return "allowed keys: " + join_keys(allowed);
}

Field entry_field(const std::string& parent, const std::string& key, const YAML::Node& k,
                  const YAML::Node& v) {
  const Place key_place = place_of(k.Mark());
  const Place value_place = v.IsNull() ? key_place : place_of(v.Mark());
  return Field{v, join_path(parent, key), key_place, value_place};
}

std::optional<int64_t> parse_integer(std::string_view text) {
  if (text.starts_with('+')) {
    text.remove_prefix(1);
  }
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

void record(DecodeContext& ctx, const Field& field) {
  ctx.positions.record(field.path, {field.key, field.value});
}

}  // namespace

std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      const std::string shown = s.size() > 40 ? s.substr(0, 37) + "..." : s;
      return fmt::format("{}\"{}\"", node.Tag() == "!" ? "the string " : "", shown);
    }
    default:
      return "an empty value";
  }
}

MapReader::MapReader(DecodeContext& ctx, const Field& field,
                     std::span<const std::string_view> allowed)
    : ctx_(&ctx), field_(field) {
  if (!field.node.IsMap()) {
    ctx.report.error(
        field.value, field.path,
        fmt::format("expected a mapping of keys, found {}", describe_node(field.node)));
    return;
  }
  is_map_ = true;
  scan(allowed);
}

void MapReader::scan(std::span<const std::string_view> allowed) {
  for (const auto& kv : field_.node) {
    const Place key_place = place_of(kv.first.Mark());
    if (!kv.first.IsScalar()) {
      ctx_->report.error(
          key_place, field_.path,
          fmt::format("a key must be plain text, found {}", describe_node(kv.first)));
      continue;
    }
    const std::string& key = kv.first.Scalar();
    const std::string path = join_path(field_.path, key);
    const auto dup = std::find_if(entries_.begin(), entries_.end(),
                                  [&](const auto& e) { return e.first == key; });
    if (dup != entries_.end()) {
      ctx_->report.error(
          key_place, path,
          fmt::format("duplicate key \"{}\" (first on line {})", key, dup->second.key.line),
          "remove one of them");
      continue;
    }
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      const std::string where = field_.path.empty() ? "at the top level" : "in " + field_.path;
      ctx_->report.error(key_place, path, fmt::format("unknown key \"{}\" {}", key, where),
                         unknown_key_hint(key, allowed));
      continue;
    }
    entries_.emplace_back(key, entry_field(field_.path, key, kv.first, kv.second));
  }
}

std::optional<Field> MapReader::get(std::string_view key) const {
  for (const auto& [k, f] : entries_) {
    if (k == key) {
      if (f.node.IsNull()) {
        return std::nullopt;
      }
      return f;
    }
  }
  return std::nullopt;
}

std::optional<Field> MapReader::require(std::string_view key, std::string hint) const {
  if (!is_map_) {
    return std::nullopt;
  }
  for (const auto& [k, f] : entries_) {
    if (k == key) {
      if (f.node.IsNull()) {
        ctx_->report.error(f.key, f.path, fmt::format("\"{}\" needs a value", key),
                           std::move(hint));
        return std::nullopt;
      }
      return f;
    }
  }
  const std::string where = field_.path.empty() ? "at the top level" : "in " + field_.path;
  ctx_->report.error(field_.value, join_path(field_.path, key),
                     fmt::format("missing required key \"{}\" {}", key, where), std::move(hint));
  return std::nullopt;
}

std::vector<Field> list_items(DecodeContext& ctx, const Field& field) {
  std::vector<Field> out;
  if (!field.node.IsSequence()) {
    ctx.report.error(field.value, field.path,
                     fmt::format("expected a list, found {}", describe_node(field.node)),
                     "write a YAML list: one \"- item\" per line, or [a, b]");
    return out;
  }
  record(ctx, field);
  out.reserve(field.node.size());
  size_t i = 0;
  for (const YAML::Node& item : field.node) {
    const Place at = item.IsNull() ? field.value : place_of(item.Mark());
    out.push_back(Field{item, fmt::format("{}[{}]", field.path, i++), at, at});
  }
  return out;
}

std::optional<std::string> read_string(DecodeContext& ctx, const Field& field) {
  if (!field.node.IsScalar()) {
    ctx.report.error(field.value, field.path,
                     fmt::format("expected a string, found {}", describe_node(field.node)));
    return std::nullopt;
  }
  record(ctx, field);
  return field.node.Scalar();
}

std::optional<int64_t> read_int(DecodeContext& ctx, const Field& field) {
  std::optional<int64_t> value;
  if (is_plain(field.node)) {
    value = parse_integer(field.node.Scalar());
  }
  if (!value) {
    ctx.report.error(field.value, field.path,
                     fmt::format("expected an integer, found {}", describe_node(field.node)),
                     field.node.IsScalar() && field.node.Tag() == "!" ? "remove the quotes" : "");
    return std::nullopt;
  }
  record(ctx, field);
  return value;
}

std::optional<bool> read_bool(DecodeContext& ctx, const Field& field) {
  if (is_plain(field.node)) {
    const std::string& s = field.node.Scalar();
    if (s == "true" || s == "True" || s == "TRUE" || s == "false" || s == "False" || s == "FALSE") {
      record(ctx, field);
      return s[0] == 't' || s[0] == 'T';
    }
  }
  ctx.report.error(field.value, field.path,
                   fmt::format("expected true or false, found {}", describe_node(field.node)));
  return std::nullopt;
}

std::optional<std::vector<std::string>> read_string_list(DecodeContext& ctx, const Field& field) {
  if (!field.node.IsSequence()) {
    list_items(ctx, field);  // reports the type error
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const Field& item : list_items(ctx, field)) {
    std::optional<std::string> s = read_string(ctx, item);
    ok = ok && s.has_value();
    if (s) {
      out.push_back(std::move(*s));
    }
  }
  return ok ? std::optional(std::move(out)) : std::nullopt;
}

std::optional<int64_t> read_mib(DecodeContext& ctx, const Field& field) {
  std::optional<int64_t> value;
  if (field.node.IsScalar()) {
    const std::string& s = field.node.Scalar();
    value = is_plain(field.node) ? parse_integer(s) : std::nullopt;
    value = value ? value : parse_mib(s);
  }
  if (!value) {
    ctx.report.error(field.value, field.path,
                     fmt::format("expected a memory size, found {}", describe_node(field.node)),
                     "write an integer number of MiB (4096) or a string such as 4GiB or 512MiB");
    return std::nullopt;
  }
  record(ctx, field);
  return value;
}

std::optional<int64_t> read_gib(DecodeContext& ctx, const Field& field) {
  std::optional<int64_t> value;
  if (field.node.IsScalar()) {
    const std::string& s = field.node.Scalar();
    value = is_plain(field.node) ? parse_integer(s) : std::nullopt;
    value = value ? value : parse_gib(s);
  }
  if (!value) {
    ctx.report.error(field.value, field.path,
                     fmt::format("expected a disk size, found {}", describe_node(field.node)),
                     "write an integer number of GiB (20) or a string such as 20GiB or 1TiB");
    return std::nullopt;
  }
  record(ctx, field);
  return value;
}

void get_string(DecodeContext& ctx, const MapReader& map, std::string_view key, std::string& out) {
  if (std::optional<Field> f = map.get(key)) {
    if (std::optional<std::string> v = read_string(ctx, *f)) {
      out = std::move(*v);
    }
  }
}

void get_int(DecodeContext& ctx, const MapReader& map, std::string_view key,
             std::optional<int>& out) {
  const std::optional<Field> f = map.get(key);
  if (!f) {
    return;
  }
  const std::optional<int64_t> v = read_int(ctx, *f);
  if (!v) {
    return;
  }
  if (*v < INT32_MIN || *v > INT32_MAX) {
    ctx.report.error(f->value, f->path, fmt::format("{} is out of range", *v));
    ctx.positions.forget(f->path);
    return;
  }
  out = static_cast<int>(*v);
}

void get_int(DecodeContext& ctx, const MapReader& map, std::string_view key, int& out) {
  std::optional<int> v;
  get_int(ctx, map, key, v);
  if (v) {
    out = *v;
  }
}

void get_bool(DecodeContext& ctx, const MapReader& map, std::string_view key, bool& out) {
  if (std::optional<Field> f = map.get(key)) {
    if (std::optional<bool> v = read_bool(ctx, *f)) {
      out = *v;
    }
  }
}

void get_strings(DecodeContext& ctx, const MapReader& map, std::string_view key,
                 std::vector<std::string>& out) {
  if (std::optional<Field> f = map.get(key)) {
    if (std::optional<std::vector<std::string>> v = read_string_list(ctx, *f)) {
      out = std::move(*v);
    }
  }
}

void report_not_one_of(DecodeContext& ctx, const Field& field, const std::string& value,
                       std::span<const std::string_view> allowed) {
  std::string hint = "use one of: " + join_keys(allowed);
  if (std::optional<std::string> guess = did_you_mean(value, allowed)) {
    hint = fmt::format("did you mean \"{}\"?", *guess);
  }
  ctx.report.error(field.value, field.path, fmt::format("\"{}\" is not a valid value here", value),
                   hint);
}

}  // namespace spec
