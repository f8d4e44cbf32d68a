// Task ids (UPIDs) of PVE background tasks (proxmox.md §2.15).
#pragma once

#include <cstdint>
#include <string>

#include "util/result.h"

namespace proxmox {

struct Upid {
  std::string text;  // as received; use it verbatim (percent-encoded) in task URLs
  std::string node;  // the node that runs the task: always ask that node about it
  uint64_t start_time = 0;
  std::string type;  // qmcreate, qmstart, download, …
  std::string id;    // vmid or file name; may be empty
  std::string user;  // user@realm or user@realm!token
};

util::Result<Upid> parse_upid(const std::string& text);

}  // namespace proxmox
