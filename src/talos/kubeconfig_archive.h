// The Kubeconfig RPC's payload: a gzip'd tar holding one file, `kubeconfig` (talos.md §2.4).
#pragma once

#include <string>

#include "util/result.h"

namespace talos {

// The content of the `kubeconfig` entry of `archive` (gzip'd tar). Talos never closes its tar
// writer, so a missing end-of-archive marker (or trailing padding) is accepted. Internal (a peer
// answer we cannot interpret) when the gzip stream is corrupt, the tar header is malformed or the
// entry is missing or cut short.
util::Result<std::string> extract_kubeconfig(const std::string& archive);

}  // namespace talos
