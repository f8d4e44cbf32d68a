// Test helpers for the Proxmox emulator: an in-process emulator with tokens, and a small HTTPS
// client (loopback only) speaking PVE's
// form-encoded API and polling tasks.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "emulators/proxmox/server.h"

namespace pve_test {

inline constexpr const char* kAdminToken = "talforge@pve!ci";
inline constexpr const char* kAdminSecret = "3f2a8a1e-1c1b-4a56-9d0e-5d6b2f3c4e5a";

struct ApiResponse {
  int status = 0;             // -1: no HTTP response (connection dropped / TLS failure)
  std::string raw;            // body as received
  nlohmann::json body;        // parsed body (null when empty or not JSON)
  const nlohmann::json& data() const { return body.at("data"); }
};

// Starts an emulator on 127.0.0.1:<any port> with the admin token (Administrator role), plus
// `extra_tokens` ({"tokens": [...]}) when given.
std::unique_ptr<pve_emu::ProxmoxServer> start_emulator(
    const std::string& version = "8.4", int nodes = 2, const std::string& talos_admin = "",
    const nlohmann::json& extra_tokens = nullptr);

class PveClient {
 public:
  PveClient(const pve_emu::ProxmoxServer& server, std::string token_id, std::string secret);

  ApiResponse get(const std::string& path, const std::vector<std::pair<std::string, std::string>>&
                                               query = {});
  ApiResponse post(const std::string& path,
                   const std::vector<std::pair<std::string, std::string>>& form = {});
  ApiResponse put(const std::string& path,
                  const std::vector<std::pair<std::string, std::string>>& form = {});
  ApiResponse del(const std::string& path, const std::vector<std::pair<std::string, std::string>>&
                                               query = {});
  // Polls /nodes/<node>/tasks/<upid>/status until stopped; returns the final status object.
  nlohmann::json wait_task(const std::string& upid);
  // Emulator-only admin routes.
  ApiResponse admin_post(const std::string& path, const nlohmann::json& body);
  nlohmann::json counters();
  // API requests sent so far (admin routes not included).
  int requests_sent() const { return requests_sent_; }

 private:
  ApiResponse send(const std::string& method, const std::string& path, const std::string& body);
  std::string host_;
  int port_;
  std::string fingerprint_;
  std::string authorization_;
  int requests_sent_ = 0;
};

std::string url_encode(const std::string& text);
std::string form(const std::vector<std::pair<std::string, std::string>>& fields);
std::string upid_node(const std::string& upid);
// SHA-256 fingerprint ("AA:BB:…") of the certificate a TLS server on 127.0.0.1:<port> presents.
std::string presented_fingerprint(int port);

}  // namespace pve_test
