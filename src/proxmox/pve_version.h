// The PVE release behind an endpoint (GET /version, proxmox.md §2.1) and what differs between
// 7.4, 8.x and 9.x for talforge (§4).
#pragma once

#include <string>

#include "util/result.h"

namespace proxmox {

struct PveVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;  // 7.x reports "7.4-16": the package revision lands here
  std::string text;

  bool at_least(int want_major, int want_minor) const {
    return major > want_major || (major == want_major && minor >= want_minor);
  }
  // download-url content=import (disk images) since 8.4 for .qcow2/.raw (§4).
  bool supports_import_content() const { return at_least(8, 4); }
  // resize returns a task since 8.0 (7.4: synchronous, data null).
  bool resize_is_async() const { return at_least(8, 0); }
  // memory is a property string returned as a string since 8.1.
  bool memory_is_property_string() const { return at_least(8, 1); }
  // 9.x replaced VM.Monitor by VM.GuestAgent.* privileges.
  const char* guest_agent_privilege() const {
    return major >= 9 ? "VM.GuestAgent.Audit" : "VM.Monitor";
  }
};

// Parses the `data` of GET /version ({"version": "8.2.2", "release": "8.2", …}).
util::Result<PveVersion> parse_pve_version(const std::string& version);

}  // namespace proxmox
