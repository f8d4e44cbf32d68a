// The PVE API schema tree (apidata.json, reference/proxmox/README.md): finds the method
// description for a concrete request path such as /nodes/pve1/qemu/101/config.
#pragma once

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace pve_emu {

struct RouteMatch {
  std::string schema_path;                          // "/nodes/{node}/qemu/{vmid}/config"
  std::map<std::string, std::string> path_params;   // node → pve1, vmid → 101
  const nlohmann::json* method = nullptr;           // info[METHOD]; nullptr: path known, method not
};

class ApiSchema {
 public:
  static util::Result<std::shared_ptr<const ApiSchema>> load(const std::string& file);

  // nullopt when no schema path matches. `path` is below /api2/json and already percent-decoded.
  // Everything after .../content/ is one {volume}, as in PVE (a volid may contain '/').
  std::optional<RouteMatch> match(const std::string& path, const std::string& method) const;

 private:
  nlohmann::json tree_;
};

}  // namespace pve_emu
