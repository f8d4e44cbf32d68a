// Start-up options of the Proxmox emulator and the PVE release it pretends to be (proxmox.md §4).
#pragma once

#include <string>

#include "util/result.h"

namespace pve_emu {

struct EmulatorOptions {
  std::string address = "127.0.0.1";
  int port = 8006;  // 0 = any free port
  int nodes = 1;    // pve1..pveN
  std::string pve_version = "8.4";
  double time_scale = 1.0;  // multiplies every emulated duration (task steps, lock timeouts)
  std::string schema_dir;   // "" = the source tree's copy; holds apidata.json, apidata-pve7.4.json, apidata-pve9.1.json
  std::string tokens_file;  // optional, see tokens.h
  std::string talos_admin_url;  // optional, see talos_link.h
};

struct PveVersion {
  int major = 8;
  int minor = 4;
  std::string version;  // "8.4.1", "7.4-19"
  std::string repoid;
  std::string schema_file;  // file name inside the schema dir

  bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
  // Error bodies carry "message" from pve-http-server 5.2 (8.4, 9.x).
  bool error_message_in_body() const { return at_least(8, 4); }
};

// "7.4", "8.0".."8.4", "9.0", "9.1"; anything else is an error naming the accepted values.
util::Result<PveVersion> parse_pve_version(const std::string& text);

}  // namespace pve_emu
