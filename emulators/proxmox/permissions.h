// Evaluates a method's "permissions" from the schema (["perm", path, [privs], "any", 1],
// ["and", …], ["or", …], {"user": "all"}) for a principal, with PVE's 403 texts (proxmox.md §1.7).
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

namespace pve_emu {

// nullopt when allowed, else the 403 reason, e.g. "Permission check failed (/vms/105, VM.Allocate)".
std::optional<std::string> check_permissions(const nlohmann::json& permissions,
                                             const std::map<std::string, std::string>& params,
                                             const std::set<std::string>& privileges);

// One privilege on one path: nullopt or "Permission check failed (<path>, <priv>)".
std::optional<std::string> require_privilege(const std::set<std::string>& privileges,
                                             const std::string& path, const std::string& priv);

}  // namespace pve_emu
