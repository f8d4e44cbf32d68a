// Talos config patches (talos.md §5): strategic-merge documents or RFC 6902 operations,
// detected the way talosctl detects them, and applied to a machine-config document stream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"
#include "util/yaml_emit.h"

namespace talos {

using util::Tree;

struct ConfigPatch {
  enum class Kind { StrategicMerge, Json6902 };
  Kind kind = Kind::StrategicMerge;
  std::string origin;           // where the patch came from, for messages
  std::vector<Tree> documents;  // StrategicMerge: typed partial config documents
  Tree operations;              // Json6902: the array of operations
};

// Detects the format: (1) config documents → strategic merge; (2) a JSON array → RFC 6902;
// (3) a YAML list of {op, path, value} → RFC 6902; otherwise the strategic-merge error
// (or the JSON error when the text starts with '[').
util::Result<ConfigPatch> parse_patch(std::string_view text, std::string_view origin);

// Applies one patch to `docs` (the v1alpha1 document first, then other documents). The result
// is normalised into Talos's encoding. On error `docs` is unchanged.
util::Result<void> apply_patch(std::vector<Tree>& docs, const ConfigPatch& patch);

// Strategic merge of patch documents into `docs` (talos.md §5 rules).
util::Result<void> strategic_merge(std::vector<Tree>& docs, const std::vector<Tree>& patch_docs);

}  // namespace talos
