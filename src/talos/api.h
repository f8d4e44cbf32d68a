// The Talos API (apid on :50000) as talforge uses it: one interface, so the engine can be tested
// with fakes, and one gRPC implementation (grpc_api.cc) speaking talos.md §1–§2.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
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

// Lets another thread end a stream early (cosi_watch, events, health_check…). Cancelling is not an
// error: the method returns OK. Thread-safe; one token per call.
class StreamCancel {
 public:
  void cancel();
  bool cancelled() const;
  // Used by the implementation: `stop` is run now if already cancelled, else on cancel(); reset
  // with an empty function when the stream ends.
  void attach(std::function<void()> stop);

 private:
  mutable std::mutex mutex_;
  bool cancelled_ = false;
  std::function<void()> stop_;
};

// Parameters of a long-lived stream: its own deadline instead of ConnectOptions::call_timeout.
struct StreamOptions {
  std::chrono::milliseconds timeout{10 * 60 * 1000};
  std::shared_ptr<StreamCancel> cancel;  // optional
};

// Callbacks receive stream items as they arrive; returning false ends the stream (OK result).
using LineSink = std::function<bool(const std::string& line)>;
using ChunkSink = std::function<util::Result<void>(std::string_view chunk)>;
using EventSink = std::function<bool(const Event& event)>;
using WatchSink = std::function<bool(const WatchEvent& event)>;

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
  virtual util::Result<HostnameInfo> hostname() = 0;
  // The local member's status (control planes only).
  virtual util::Result<EtcdMemberStatus> etcd_status() = 0;

  // The same reads on several nodes at once through this endpoint (`nodes` metadata, one-to-many
  // proxying, §1.5). The outer error means the endpoint itself failed; a node apid could not
  // reach is a failed NodeResult. Results follow the order of `nodes`.
  virtual util::Result<std::vector<NodeResult<VersionInfo>>> version_on(
      const std::vector<std::string>& nodes) = 0;
  virtual util::Result<std::vector<NodeResult<std::vector<ServiceInfo>>>> service_list_on(
      const std::vector<std::string>& nodes) = 0;

  // Actions (never retried: a lost reply does not mean the action did not happen).
  // `yaml` is the whole multi-document machine config.
  virtual util::Result<ApplyResult> apply_configuration(const std::string& yaml, ApplyMode mode,
                                                        bool dry_run) = 0;
  // AlreadyExists (with Talos's text) when etcd was bootstrapped before.
  virtual util::Result<void> bootstrap(const BootstrapOptions& options) = 0;
  util::Result<void> bootstrap() { return bootstrap(BootstrapOptions{}); }
  // Accepted upgrades, reboots, shutdowns and resets run after the reply (watch events with the
  // returned actor id to follow them).
  virtual util::Result<ActionAck> upgrade(const UpgradeRequest& request) = 0;
  virtual util::Result<void> rollback() = 0;
  virtual util::Result<ActionAck> reboot(RebootMode mode) = 0;
  virtual util::Result<ActionAck> shutdown(bool force) = 0;
  virtual util::Result<ActionAck> reset(const ResetRequest& request) = 0;
  virtual util::Result<void> etcd_remove_member(std::uint64_t member_id) = 0;
  virtual util::Result<void> etcd_leave_cluster() = 0;
  // The new leader's member name; empty when this member was not the leader.
  virtual util::Result<std::string> etcd_forfeit_leadership() = 0;

  // v1.13+ upgrade: ImageService.Pull of the installer image, then LifecycleService.Upgrade,
  // each progress line passed to `progress`. Installs into the inactive slot only: the caller
  // reboots afterwards (as talosctl does). A non-zero exit code is an error.
  virtual util::Result<void> lifecycle_upgrade(const LifecycleUpgradeRequest& request,
                                               const LineSink& progress,
                                               const StreamOptions& stream) = 0;
  // Raw snapshot bytes, chunk by chunk, to `sink`; returns the byte count. A sink error aborts.
  virtual util::Result<std::uint64_t> etcd_snapshot(const ChunkSink& sink,
                                                    const StreamOptions& stream) = 0;
  // Uploads a snapshot (only while etcd waits for bootstrap); then Bootstrap{recover_etcd}.
  virtual util::Result<void> etcd_recover(std::istream& snapshot, const StreamOptions& stream) = 0;
  // Server-side health checks (§7.1) on this node (a control plane); each progress line goes to
  // `progress`. An error when a check fails or the wait timeout passes.
  virtual util::Result<void> health_check(const HealthCheckRequest& request,
                                          const LineSink& progress,
                                          const StreamOptions& stream) = 0;
  // Machine events (the initial empty hello is skipped). Ends when `sink` returns false, the
  // stream is cancelled, or its timeout passes (then Timeout).
  virtual util::Result<void> events(const EventsRequest& request, const EventSink& sink,
                                    const StreamOptions& stream) = 0;
  // COSI watch; `id` empty = the whole type (with bootstrap contents then Bootstrapped).
  // `established` runs once the server confirmed the watch (its empty first reply).
  virtual util::Result<void> cosi_watch(const std::string& ns, const std::string& type,
                                        const std::string& id,
                                        const std::function<void()>& established,
                                        const WatchSink& sink, const StreamOptions& stream) = 0;
};

// etcd_snapshot into a stream (e.g. an std::ofstream opened by the caller).
util::Result<std::uint64_t> etcd_snapshot_to(Api& api, std::ostream& out,
                                             const StreamOptions& stream = {});

// Builds the channel (no I/O yet: gRPC connects on the first call). InvalidInput for an unusable
// endpoint, missing credentials in Secure mode or a malformed pin.
util::Result<std::unique_ptr<Api>> make_grpc_api(ConnectOptions options);

}  // namespace talos
