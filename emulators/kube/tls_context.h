// OpenSSL plumbing of the API server: in-memory PEM → SSL_CTX requiring client certificates,
// and the identity (CN, O) of the verified peer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <openssl/ssl.h>

#include "emulators/kube/kube_api_server.h"
#include "util/result.h"

namespace kube_emu {

// Parsed, checked key material; lives as long as the server that uses it.
class TlsMaterial {
 public:
  // InvalidInput naming the field (cert_pem, key_pem, client_ca_pem) that cannot be used.
  static util::Result<std::shared_ptr<TlsMaterial>> parse(const ServerTls& tls);
  ~TlsMaterial();
  TlsMaterial(const TlsMaterial&) = delete;
  TlsMaterial& operator=(const TlsMaterial&) = delete;

  // Installs certificate, chain, key and the client CA store; verification is mandatory.
  bool configure(SSL_CTX& ctx) const;

 private:
  TlsMaterial() = default;
  std::vector<X509*> chain_;  // leaf first
  EVP_PKEY* key_ = nullptr;
  std::vector<X509*> client_cas_;
};

struct ClientIdentity {
  std::string user;                 // Subject CN
  std::vector<std::string> groups;  // Subject O values
};

ClientIdentity peer_identity(const SSL* ssl);

}  // namespace kube_emu
