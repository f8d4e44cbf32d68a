// kube_emu::KubeApiServer — one HTTPS listener (address:port) serving one KubeState the way
// the real kube-apiserver answers kubectl (kubernetes.md §1–§8). Client certificates are
// required and verified against the cluster's Kubernetes CA; user = CN, groups = O.
#pragma once

#include <memory>
#include <string>

#include "emulators/kube/kube_state.h"
#include "util/result.h"

namespace kube_emu {

// PEM material of one listener. The key is secret: it is never logged or written to disk.
struct ServerTls {
  std::string cert_pem;       // serving cert (+ optional chain), IP SAN = listen address
  std::string key_pem;        // its private key (PKCS#8, SEC1 or Ed25519 PEM)
  std::string client_ca_pem;  // client certs must chain to this (the cluster's K8s CA)
};

class KubeApiServer {
 public:
  // Binds `address:port` (port 0 = ephemeral; see port()) and serves in a background thread.
  // Errors: InvalidInput for unusable PEM, Unavailable when the address cannot be bound.
  static util::Result<std::unique_ptr<KubeApiServer>> start(std::shared_ptr<KubeState> state,
                                                            const std::string& address, int port,
                                                            const ServerTls& tls);
  ~KubeApiServer();  // stop()s
  KubeApiServer(const KubeApiServer&) = delete;
  KubeApiServer& operator=(const KubeApiServer&) = delete;

  int port() const;
  const std::string& address() const;
  // Closes the listener, ends open watches and joins the serving thread. Idempotent.
  void stop();

 private:
  struct Impl;
  explicit KubeApiServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kube_emu
