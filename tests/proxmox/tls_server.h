// A loopback HTTPS server for transport tests, with a fresh self-signed certificate (IP SAN
// 127.0.0.1) and a handler that sees each request.
#pragma once

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace proxmox_test {

struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
  std::string fingerprint;  // SHA-256 of the DER, AA:BB:…
};

SelfSigned make_self_signed(const std::string& cn);

class TlsServer {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  TlsServer(const SelfSigned& cert, Handler handler);
  ~TlsServer();
  int port() const { return port_; }
  std::string endpoint() const { return "https://127.0.0.1:" + std::to_string(port_); }

 private:
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
};

}  // namespace proxmox_test
