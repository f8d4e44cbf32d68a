// Merging a fetched admin kubeconfig into an existing one the way `talosctl kubeconfig` does:
// every existing entry is kept; a cluster, user or context whose name is taken by a different
// entry is added under the first free `<name>-1`, `<name>-2`, … (references follow the renames);
// current-context becomes the added context.
#pragma once

#include <string>
#include <string_view>

#include "util/result.h"

namespace cli {

struct MergedKubeconfig {
  std::string text;     // the whole merged file (holds client keys: write it 0600)
  std::string context;  // name of the added (or identical, reused) context
  bool renamed = false;
};

// `existing` may be empty (no file yet). InvalidInput naming `origin` when either document is
// not a kubeconfig.
util::Result<MergedKubeconfig> merge_kubeconfig(std::string_view existing, std::string_view fetched,
                                                std::string_view origin);

}  // namespace cli
