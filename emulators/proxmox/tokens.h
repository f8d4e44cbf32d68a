// API tokens the emulator accepts (proxmox.md §1.2) and the privileges each one holds. Tokens come
// from a JSON file given at start or from the admin route; secrets are compared in constant time
// and never logged or echoed.
//
//   {"tokens": [{"id": "talforge@pve!ci", "secret": "<uuid>",
//                "privileges": ["VM.Allocate", "VM.Audit"], "roles": ["PVEVMAdmin"],
//                "expire": 0}]}
//
// Privileges apply on every ACL path (the emulator has no per-path ACL tree); "roles" expand to
// the built-in role's privileges of the emulated version.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "util/result.h"

namespace pve_emu {

struct Token {
  std::string id;      // "user@realm!tokenid"
  std::string secret;  // never printed
  std::set<std::string> privileges;
  long long expire = 0;  // epoch seconds, 0 = never
};

struct Principal {
  std::string token_id;  // full id, as it appears in UPIDs
  std::string user;      // "user@realm"
  std::string token_name;
  std::set<std::string> privileges;
};

class TokenStore {
 public:
  explicit TokenStore(int major_version) : major_version_(major_version) {}

  // Adds or replaces tokens from {"tokens": [...]}; errors name the bad entry, never the secret.
  util::Result<void> add_from_json(const nlohmann::json& doc);
  util::Result<void> load_file(const std::string& path);

  // The principal for an Authorization header value, or nullopt ("Authentication failed!").
  std::optional<Principal> authenticate(const std::string& authorization, long long now) const;

 private:
  int major_version_;
  mutable std::mutex mutex_;
  std::map<std::string, Token> tokens_;
};

// Privileges of a built-in role (Administrator, PVEAdmin, PVEVMAdmin, PVEVMUser, PVEAuditor,
// PVEDatastoreAdmin, PVEDatastoreUser, PVESDNUser, PVESDNAdmin) on PVE `major_version`.
std::optional<std::set<std::string>> role_privileges(const std::string& role, int major_version);

}  // namespace pve_emu
