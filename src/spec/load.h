// Loading cluster.yaml: parse (yaml-cpp, keeping line/column), decode into spec::Cluster, fill
// defaults (spec/defaults.h) and validate — reporting every problem at once. Nothing here
// throws, writes files or reads the environment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spec/cluster.h"
#include "spec/diagnostic.h"

namespace spec {

struct Loaded {
  // Set exactly when no diagnostic is an error; then every value is checked and defaulted.
  std::optional<Cluster> spec;
  // Errors and warnings in document order of the checks (FILE:LINE:COL via format_diagnostic).
  std::vector<Diagnostic> diagnostics;

  bool ok() const { return spec.has_value() && !has_errors(diagnostics); }
};

// Reads and loads `path`; a file that cannot be read is one diagnostic without a line.
Loaded load_file(const std::string& path);

// Loads `text` as if read from `file_name`: diagnostics name it, and files that cluster.yaml
// references (patches, the Cilium manifest, proxmox.caFile) are resolved against its directory.
Loaded load_text(const std::string& file_name, std::string_view text);

}  // namespace spec
