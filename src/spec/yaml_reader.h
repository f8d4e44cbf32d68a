// Internal: typed reading of yaml-cpp nodes with diagnostics. Every reader reports what is wrong
// at the value's place and returns nullopt; nothing here throws.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "spec/positions.h"
#include "spec/report.h"

namespace spec {

// What decoding needs: where to report, where to record places, and cluster.yaml's directory
// (relative file references are read from it).
struct DecodeContext {
  Reporter report;
  Positions& positions;
  std::string base_dir;
  std::string talos_version;  // as written; set once the cluster section is decoded
};

// One value of the document, with its YAML path and places. For an empty value (`key:`) the
// value place is the key's, since yaml-cpp marks an empty value at the following token.
struct Field {
  YAML::Node node;
  std::string path;
  Place key;
  Place value;
};

// "a mapping", "a list", "the string \"x\"", "an empty value" — for type errors.
std::string describe_node(const YAML::Node& node);

// The keys of one mapping. Construction reports a non-mapping value, duplicate keys (at the
// second use) and unknown keys (with a did-you-mean hint from `allowed`).
class MapReader {
 public:
  MapReader(DecodeContext& ctx, const Field& field, std::span<const std::string_view> allowed);

  bool is_map() const { return is_map_; }
  const Field& field() const { return field_; }
  // The value of `key`; nullopt when the key is absent or its value is empty.
  std::optional<Field> get(std::string_view key) const;
  // Like get(), but a missing key is reported at the mapping (an empty value at the key).
  std::optional<Field> require(std::string_view key, std::string hint = {}) const;

 private:
  void scan(std::span<const std::string_view> allowed);

  DecodeContext* ctx_;
  Field field_;
  bool is_map_ = false;
  std::vector<std::pair<std::string, Field>> entries_;
};

// The items of a list field (a type error and nothing when it is not a list).
std::vector<Field> list_items(DecodeContext& ctx, const Field& field);

std::optional<std::string> read_string(DecodeContext& ctx, const Field& field);
std::optional<int64_t> read_int(DecodeContext& ctx, const Field& field);
std::optional<bool> read_bool(DecodeContext& ctx, const Field& field);
std::optional<std::vector<std::string>> read_string_list(DecodeContext& ctx, const Field& field);
// Integer MiB or "<n>MiB"/"<n>GiB".
std::optional<int64_t> read_mib(DecodeContext& ctx, const Field& field);
// Integer GiB or "<n>GiB"/"<n>TiB".
std::optional<int64_t> read_gib(DecodeContext& ctx, const Field& field);

// Shorthands: read `key` of `map` into `out` when present and valid; `out` keeps its value
// otherwise. Integers must fit an int (a larger value is reported).
void get_string(DecodeContext& ctx, const MapReader& map, std::string_view key, std::string& out);
void get_int(DecodeContext& ctx, const MapReader& map, std::string_view key, int& out);
void get_int(DecodeContext& ctx, const MapReader& map, std::string_view key,
             std::optional<int>& out);
void get_bool(DecodeContext& ctx, const MapReader& map, std::string_view key, bool& out);
void get_strings(DecodeContext& ctx, const MapReader& map, std::string_view key,
                 std::vector<std::string>& out);

// One of `names` (case-sensitive); an unknown value is reported with a suggestion.
template <typename E>
std::optional<E> read_enum(DecodeContext& ctx, const Field& field,
                           std::span<const std::pair<std::string_view, E>> names);

// Shared by read_enum: reports `value` as not one of `allowed`.
void report_not_one_of(DecodeContext& ctx, const Field& field, const std::string& value,
                       std::span<const std::string_view> allowed);

template <typename E>
std::optional<E> read_enum(DecodeContext& ctx, const Field& field,
                           std::span<const std::pair<std::string_view, E>> names) {
  const std::optional<std::string> value = read_string(ctx, field);
  if (!value) {
    return std::nullopt;
  }
  std::vector<std::string_view> allowed;
  for (const auto& [name, e] : names) {
    if (*value == name) {
      return e;
    }
    allowed.push_back(name);
  }
  report_not_one_of(ctx, field, *value, allowed);
  return std::nullopt;
}

}  // namespace spec
