#include "emulators/proxmox/tokens.h"

#include <openssl/crypto.h>

#include <fstream>
#include <regex>
#include <vector>

#include <fmt/format.h>

namespace pve_emu {
namespace {

using nlohmann::json;

std::vector<std::string> vm_privileges(int major) {
  std::vector<std::string> p = {
      "VM.Allocate",        "VM.Clone",           "VM.Config.Disk",       "VM.Config.CDROM",
      "VM.Config.CPU",      "VM.Config.Memory",   "VM.Config.Network",    "VM.Config.HWType",
      "VM.Config.Options",  "VM.Config.Cloudinit", "VM.Migrate",          "VM.Snapshot",
      "VM.Snapshot.Rollback", "VM.Console",       "VM.Backup",            "VM.PowerMgmt",
      "VM.Audit"};
  if (major >= 9) {
    for (const char* extra : {"VM.GuestAgent.Audit", "VM.GuestAgent.FileRead",
                              "VM.GuestAgent.FileWrite", "VM.GuestAgent.FileSystemMgmt",
                              "VM.GuestAgent.Unrestricted", "VM.Replicate"}) {
      p.emplace_back(extra);
    }
  } else {
    p.emplace_back("VM.Monitor");
  }
  return p;
}

const std::vector<std::string> kDatastore = {"Datastore.Allocate", "Datastore.AllocateTemplate",
                                             "Datastore.AllocateSpace", "Datastore.Audit"};
const std::vector<std::string> kSys = {"Sys.Audit",   "Sys.Console",  "Sys.Syslog",
                                       "Sys.Modify",  "Sys.PowerMgmt", "Sys.Incoming",
                                       "Sys.AccessNetwork"};
const std::vector<std::string> kOther = {
    "SDN.Use",          "SDN.Audit",       "SDN.Allocate",     "Pool.Allocate",
    "Pool.Audit",       "User.Modify",     "Group.Allocate",   "Realm.Allocate",
    "Realm.AllocateUser", "Mapping.Use",   "Mapping.Modify",   "Mapping.Audit",
    "Permissions.Modify"};

std::string url_unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(text[i + 1]) &&
        std::isxdigit(text[i + 2])) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

bool equal_secret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<std::set<std::string>> role_privileges(const std::string& role, int major) {
  std::set<std::string> out;
  auto add = [&](const std::vector<std::string>& privs) { out.insert(privs.begin(), privs.end()); };
  if (role == "Administrator") {
    add(vm_privileges(major));
    add(kDatastore);
    add(kSys);
    add(kOther);
  } else if (role == "PVEAdmin") {
    add(vm_privileges(major));
    add(kDatastore);
    add(kOther);
    add({"Sys.Audit", "Sys.Console", "Sys.Syslog"});
    out.erase("Realm.Allocate");
    out.erase("Permissions.Modify");
  } else if (role == "PVEVMAdmin") {
    add(vm_privileges(major));
  } else if (role == "PVEVMUser") {
    add(vm_privileges(major));
    for (const char* admin : {"VM.Allocate", "VM.Clone", "VM.Migrate", "VM.Snapshot.Rollback",
                              "VM.Config.Disk", "VM.Config.CPU", "VM.Config.Memory",
                              "VM.Config.Network", "VM.Config.HWType", "VM.Config.Options"}) {
      out.erase(admin);
    }
  } else if (role == "PVEAuditor") {
    add({"VM.Audit", "Datastore.Audit", "Sys.Audit", "SDN.Audit", "Pool.Audit", "Mapping.Audit"});
  } else if (role == "PVEDatastoreAdmin") {
    add(kDatastore);
  } else if (role == "PVEDatastoreUser") {
    add({"Datastore.AllocateSpace", "Datastore.Audit"});
  } else if (role == "PVESDNUser") {
    add({"SDN.Use", "SDN.Audit"});
  } else if (role == "PVESDNAdmin") {
    add({"SDN.Use", "SDN.Audit", "SDN.Allocate"});
  } else {
    return std::nullopt;
  }
  return out;
}

util::Result<void> TokenStore::add_from_json(const json& doc) {
  static const std::regex kTokenId(R"((\S+)@(\w+)!([A-Za-z][A-Za-z0-9.\-_]+))");
  if (!doc.is_object() || !doc.contains("tokens") || !doc["tokens"].is_array()) {
    return util::Error::invalid_input("tokens: expected {\"tokens\": [...]}");
  }
  std::map<std::string, Token> parsed;
  for (size_t i = 0; i < doc["tokens"].size(); ++i) {
    const json& entry = doc["tokens"][i];
    Token token;
    token.id = entry.value("id", "");
    token.secret = entry.value("secret", "");
    token.expire = entry.value("expire", 0LL);
    if (!std::regex_match(token.id, kTokenId) || token.secret.empty()) {
      return util::Error::invalid_input(fmt::format(
          "tokens[{}]: needs \"id\" as user@realm!tokenid and a non-empty \"secret\"", i));
    }
    for (const json& p : entry.value("privileges", json::array())) {
      token.privileges.insert(p.get<std::string>());
    }
    for (const json& r : entry.value("roles", json::array())) {
      auto privs = role_privileges(r.get<std::string>(), major_version_);
      if (!privs) {
        return util::Error::invalid_input(
            fmt::format("tokens[{}] ({}): unknown role {}", i, token.id, r.dump()));
      }
      token.privileges.insert(privs->begin(), privs->end());
    }
    parsed[token.id] = std::move(token);
  }
  std::lock_guard lock(mutex_);
  for (auto& [id, token] : parsed) {
    tokens_[id] = std::move(token);
  }
  return {};
}

util::Result<void> TokenStore::load_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return util::Error::not_found(fmt::format("cannot read tokens file {}", path));
  }
  try {
    util::Result<void> added = add_from_json(json::parse(in));
    if (!added.ok()) {
      return std::move(added).error().with_context(path);
    }
    return {};
  } catch (const json::exception& e) {
    return util::Error::invalid_input(fmt::format("tokens file {} is not JSON: {}", path,
                                                  e.what()));
  }
}

std::optional<Principal> TokenStore::authenticate(const std::string& authorization,
                                                  long long now) const {
  size_t pos = authorization.find("PVEAPIToken");
  if (pos == std::string::npos) {
    return std::nullopt;
  }
  pos += 11;
  if (pos >= authorization.size() || (authorization[pos] != '=' && authorization[pos] != ' ')) {
    return std::nullopt;
  }
  std::string value = authorization.substr(pos + 1);
  value = url_unescape(value.substr(0, value.find(';')));
  const size_t eq = value.rfind('=');
  if (eq == std::string::npos) {
    return std::nullopt;
  }
  const std::string id = value.substr(0, eq);
  const std::string secret = value.substr(eq + 1);
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(id);
  if (it == tokens_.end() || !equal_secret(it->second.secret, secret) ||
      (it->second.expire != 0 && it->second.expire <= now)) {
    return std::nullopt;
  }
  const size_t bang = id.find('!');
  return Principal{id, id.substr(0, bang), id.substr(bang + 1), it->second.privileges};
}

}  // namespace pve_emu
