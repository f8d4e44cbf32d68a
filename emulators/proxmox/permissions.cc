#include "emulators/proxmox/permissions.h"

#include <fmt/format.h>

namespace pve_emu {
namespace {

using nlohmann::json;

std::string expand_path(std::string path, const std::map<std::string, std::string>& params) {
  for (const auto& [name, value] : params) {
    const std::string placeholder = "{" + name + "}";
    for (size_t pos = path.find(placeholder); pos != std::string::npos;
         pos = path.find(placeholder)) {
      path.replace(pos, placeholder.size(), value);
    }
  }
  return path;
}

std::optional<std::string> evaluate(const json& check,
                                    const std::map<std::string, std::string>& params,
                                    const std::set<std::string>& privileges) {
  if (!check.is_array() || check.empty() || !check[0].is_string()) {
    return std::nullopt;
  }
  const std::string op = check[0];
  if (op == "perm" && check.size() >= 3) {
    const std::string path = expand_path(check[1].get<std::string>(), params);
    const bool any = check.size() >= 5 && check[3] == "any";
    std::string names;
    bool any_held = false;
    for (const json& p : check[2]) {
      const std::string priv = p;
      const bool held = privileges.contains(priv);
      any_held = any_held || held;
      if (!any && !held) {
        return fmt::format("Permission check failed ({}, {})", path, priv);
      }
      names += (names.empty() ? "" : "|") + priv;
    }
    if (any && !any_held) {
      return fmt::format("Permission check failed ({}, {})", path, names);
    }
    return std::nullopt;
  }
  if (op == "and") {
    for (size_t i = 1; i < check.size(); ++i) {
      if (auto denied = evaluate(check[i], params, privileges)) {
        return denied;
      }
    }
    return std::nullopt;
  }
  if (op == "or") {
    std::optional<std::string> last;
    for (size_t i = 1; i < check.size(); ++i) {
      last = evaluate(check[i], params, privileges);
      if (!last) {
        return std::nullopt;
      }
    }
    return last ? std::optional<std::string>("Permission check failed") : std::nullopt;
  }
  return std::nullopt;  // userid-group, userid-param …: not modelled, allowed
}

}  // namespace

std::optional<std::string> check_permissions(const json& permissions,
                                             const std::map<std::string, std::string>& params,
                                             const std::set<std::string>& privileges) {
  if (!permissions.is_object() || !permissions.contains("check")) {
    return std::nullopt;
  }
  return evaluate(permissions["check"], params, privileges);
}

std::optional<std::string> require_privilege(const std::set<std::string>& privileges,
                                             const std::string& path, const std::string& priv) {
  if (privileges.contains(priv)) {
    return std::nullopt;
  }
  return fmt::format("Permission check failed ({}, {})", path, priv);
}

}  // namespace pve_emu
