// Ed25519 PKI made fresh for each gRPC client test, shaped like Talos's (talos.md §1.2–§1.4): an
// OS CA, an apid server cert with IP SAN 127.0.0.1 (serverAuth), client certs whose O is the role.
#pragma once

#include <string>
#include <vector>

namespace talos_test {

struct Pem {
  std::string crt;
  std::string key;
};

// Self-signed CA named `cn`.
Pem make_ca(const std::string& cn);
// Server cert signed by `ca`; `sans` in OpenSSL's subjectAltName syntax.
Pem make_server_cert(const Pem& ca, const std::string& sans = "IP:127.0.0.1,DNS:node-1");
// Client cert (EKU clientAuth, no CN) with one Subject O per role, signed by `ca`.
Pem make_client_cert(const Pem& ca, const std::vector<std::string>& roles);

}  // namespace talos_test
