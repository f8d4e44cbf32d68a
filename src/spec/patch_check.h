// Internal: checks a config patch (talos.md §5) without applying it — it must parse, be either
// strategic-merge documents (mappings) or one list of RFC 6902 operations, and should not set
// what talforge owns (a warning: the patch would override talforge's value).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "spec/cluster.h"
#include "spec/report.h"

namespace spec {

// Where the patch's own positions land in the reported file.
struct PatchText {
  Reporter report;        // names the file diagnostics point into
  std::string path;       // YAML path prefix for diagnostics ("patches.all[0].inline"); may be ""
  int line_offset = 0;    // added to a patch line (0-based) to get the file's 0-based line
  int column_offset = 0;  // likewise for columns
  std::optional<Place> fixed;  // set when positions cannot be mapped: report everything here
  // The patch text's last line (0-based) and its length: an error at the end of the text is
  // shown there, not on the line after the patch. -1 = no clamping.
  int last_line = -1;
  int last_line_length = 0;

  Place place(const YAML::Mark& mark) const;
  std::string join(std::string_view sub) const;
};

// Parses `text` (YAML or JSON, possibly several documents) and checks it; returns the kind, or
// nullopt after reporting why it is not a patch.
std::optional<PatchKind> check_patch_text(std::string_view text, const PatchText& where);

// Checks a patch already parsed as part of cluster.yaml (an inline mapping or list).
std::optional<PatchKind> check_patch_node(const YAML::Node& node, const PatchText& where);

// The config paths talforge sets itself ("machine.type", …), for docs and tests.
struct OwnedKey {
  std::string_view path;
  std::string_view set_by;  // which cluster.yaml key (or secret) decides it
};
std::span<const OwnedKey> owned_keys();

}  // namespace spec
