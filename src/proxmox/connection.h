// How talforge reaches one Proxmox VE endpoint: address, API token and TLS trust (proxmox.md
// §1.1, §1.2). Built by the CLI from cluster.yaml and the environment; the token secret lives
// only here and in the transport's request header, never in logs, errors or argv.
#pragma once

#include <chrono>
#include <string>

namespace proxmox {

// Exactly one way of trusting the server, chosen explicitly (there is no silent default to
// "insecure").
struct TlsTrust {
  std::string ca_file;      // PEM file with the CA that signed the node certificate
  std::string fingerprint;  // SHA-256 of the leaf certificate, "AA:BB:…" (upper-case hex)
  bool insecure_skip_verify = false;
  // None of the three: the system's CA store, with host-name verification.
};

class TokenSecret {
 public:
  TokenSecret() = default;
  explicit TokenSecret(std::string value) : value_(std::move(value)) {}
  bool empty() const { return value_.empty(); }
  // The only accessor; its one caller builds the Authorization header.
  const std::string& reveal() const { return value_; }

 private:
  std::string value_;
};

struct Connection {
  std::string endpoint;  // https://host:8006
  std::string token_id;  // user@realm!tokenname
  TokenSecret token_secret;
  TlsTrust trust;
  std::chrono::milliseconds connect_timeout{5000};
  // PVE's proxy gives up on a forwarded call after 30 s (§1.6); a little more than that.
  std::chrono::milliseconds request_timeout{35000};
};

}  // namespace proxmox
