// What an API handler answers: data for the {"data": …} envelope, or a PVE error (status, the
// reason text, per-parameter `errors` for 400s) — proxmox.md §1.4/§1.5.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulators/proxmox/param_validator.h"

namespace pve_emu {

struct Reply {
  int status = 200;
  nlohmann::json data;             // success payload (null for "nothing")
  std::optional<long long> total;  // task log / lists: top-level "total"
  std::string message;             // error text (first line becomes the reason phrase)
  ParamErrors errors;              // 400 parameter errors

  bool ok() const { return status == 200; }
};

inline Reply reply_data(nlohmann::json data) { return Reply{200, std::move(data)}; }
inline Reply reply_error(int status, std::string message) {
  return Reply{status, nullptr, std::nullopt, std::move(message)};
}
// 400 "Parameter verification failed." with one parameter's message.
inline Reply reply_param_error(const std::string& param, const std::string& message) {
  return Reply{400, nullptr, std::nullopt, "Parameter verification failed.", {{param, message}}};
}

}  // namespace pve_emu
