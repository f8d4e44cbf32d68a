// The Talos API (apid on :50000) as talforge uses it: one interface, so the engine can be tested
// with fakes, and one gRPC implementation (grpc_api.cc) speaking talos.md §1–§2.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "talos/api_types.h"
#include "util/result.h"

namespace talos {

// The talosconfig material, as PEM text. talos/ cannot use secrets::Secret (providers never
// include each other), so the caller fills this from secrets::parse_talosconfig and must not log
// it.
struct Credentials {
  std::string ca_pem;   // OS CA certificate: the only root trusted for the server
  std::string crt_pem;  // client certificate; its Subject O values are the roles (§1.3)
  std::string key_pem;  // client private key
};

enum class ConnectMode {
  // Node without a config (§1.6): server-only TLS, no client cert; the server's self-signed cert
  // is not verified, only optionally pinned.
  Maintenance,
  // Configured node: mTLS, server verified against Credentials::ca_pem.
  Secure,
};

// Retries of idempotent reads after Unavailable/DeadlineExceeded; never of actions.
struct RetryPolicy {
  int max_attempts = 4;  // first try included
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{4000};
};

struct ConnectOptions {
  std::string endpoint;  // "host" or "host:port"; port 50000 when absent; [v6]:port for IPv6
  ConnectMode mode = ConnectMode::Secure;
  Credentials credentials;  // Secure mode only
  // Maintenance: base64(sha256(SPKI DER)) with padding, as the node prints on its console; empty
  // = accept any server key (talosctl --insecure).
  std::string spki_sha256_pin;
  // Secure: name checked against the server cert instead of the endpoint host (gRPC's TLS target
  // name override). Empty = the endpoint host, which Talos covers with IP SANs (§1.2).
  std::string tls_server_name;
  // Node that executes the calls, sent as `node` metadata (apid proxies one-to-one, §1.5); empty
  // = the endpoint itself. No port.
  std::string node;
  std::chrono::milliseconds call_timeout{30000};  // deadline of every call, retries each get one
  std::size_t max_receive_bytes = 32u << 20;      // apid's GRPCMaxMessageSize
  RetryPolicy retry;
  // How to wait between retries; injected so tests do not sleep.
  std::function<void(std::chrono::milliseconds)> sleep;
};

class Api {
 public:
  virtual ~Api() = default;

  // Reads (idempotent, retried).
  virtual util::Result<VersionInfo> version() = 0;
  virtual util::Result<std::vector<Disk>> disks() = 0;
  virtual util::Result<std::vector<ServiceInfo>> service_list() = 0;
  virtual util::Result<MemoryInfo> memory() = 0;
  // Control planes only. `query_local`: this node's etcd member only, else the cluster's view
  // (needs an etcd leader).
  virtual util::Result<std::vector<EtcdMember>> etcd_member_list(bool query_local) = 0;
  // NotFound when the resource does not exist.
  virtual util::Result<Resource> cosi_get(const std::string& ns, const std::string& type,
                                          const std::string& id) = 0;
  virtual util::Result<std::vector<Resource>> cosi_list(const std::string& ns,
                                                        const std::string& type) = 0;
  // Admin only, control planes only. Not retried: every call mints a new client certificate.
  virtual util::Result<Kubeconfig> kubeconfig() = 0;

  // Actions (never retried: a lost reply does not mean the action did not happen).
  // `yaml` is the whole multi-document machine config.
  virtual util::Result<ApplyResult> apply_configuration(const std::string& yaml, ApplyMode mode,
                                                        bool dry_run) = 0;
  // AlreadyExists (with Talos's text) when etcd was bootstrapped before.
  virtual util::Result<void> bootstrap() = 0;
};

// Builds the channel (no I/O yet: gRPC connects on the first call). InvalidInput for an unusable
// endpoint, missing credentials in Secure mode or a malformed pin.
util::Result<std::unique_ptr<Api>> make_grpc_api(ConnectOptions options);

}  // namespace talos
