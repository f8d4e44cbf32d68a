// The link to the Talos emulator's admin HTTP API: a started VM powers on a Talos node there, a
// stopped or destroyed one powers it off (issue 5, "Proxmox emulator").
//   POST <url>/v1/nodes                       {address, uuid, memory_mib, disk_gib,
//                                              talos_version, schematic_id, extensions[], platform}
//   POST <url>/v1/nodes/<address>/power-off
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace pve_emu {

struct TalosNodeSpec {
  std::string address;  // from ipconfig0 ip=<addr>/<len>
  std::string uuid;     // smbios1 uuid
  long long memory_mib = 0;
  long long disk_gib = 0;
  std::string talos_version;
  std::string schematic_id;
  std::vector<std::string> extensions;
  std::string platform;
};

class TalosLink {
 public:
  // `admin_url` is "http://<loopback>:<port>"; anything else is refused.
  static util::Result<TalosLink> create(const std::string& admin_url);

  util::Result<void> power_on(const TalosNodeSpec& node) const;
  util::Result<void> power_off(const std::string& address) const;

 private:
  util::Result<void> post(const std::string& path, const std::string& body) const;
  std::string host_;
  int port_ = 0;
};

}  // namespace pve_emu
