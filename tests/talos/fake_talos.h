// A minimal in-process apid double for the gRPC client tests: the MachineService, StorageService,
// ImageService, LifecycleService, ClusterService and COSI State methods talforge calls, on
// 127.0.0.1:<ephemeral>, with scripted replies/failures and a record of what it saw. It checks
// roles like Talos (§1.3) so the client's error mapping meets a realistic refusal, and answers
// `nodes` metadata like apid's one-to-many proxy (§1.5).
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/server.h>
#include <grpcpp/support/status.h>

#include "machine/machine.pb.h"
#include "talos/test_certs.h"

namespace talos_test {

enum class ServerMode { Maintenance, Secure };

// What the fake does; tests set fields before the call they make.
struct Script {
  std::map<std::string, std::deque<grpc::Status>> fail_next;  // method → statuses to return first
  std::chrono::milliseconds version_delay{0};
  size_t version_padding = 0;  // bytes added to Version's reply (in version.sha)
  std::string embedded_error;  // Version answers like apid for a failed node (§1.5)
  std::string embedded_hostname;
  std::string kubeconfig_archive;  // bytes of the Kubeconfig stream (one chunk)
  // `nodes` fan-out: these nodes answer with apid's embedded "connection refused" error.
  std::vector<std::string> down_nodes;
  std::string hostname = "talos-fake";
  std::vector<std::string> upgrade_lines = {"installing", "installed"};
  int upgrade_exit_code = 0;
  bool upgrade_sends_exit_code = true;
  std::string etcd_snapshot;  // streamed in 1000-byte chunks
  std::vector<std::string> health_lines = {"discovered nodes: [\"127.0.0.1\"]",
                                           "waiting for etcd to be healthy: OK"};
  grpc::Status health_final = grpc::Status::OK;
  // Events: the hello, then these, then the stream stays open until the client goes away.
  std::vector<machine::Event> events;
};

// What the fake saw.
struct Seen {
  std::map<std::string, int> calls;
  std::vector<std::string> node_metadata;  // `node` values of the last call
  std::vector<std::string> peer_roles;     // O values of the client cert of the last call
  bool peer_had_cert = false;
  int bootstraps = 0;
  std::vector<std::string> nodes_metadata;  // `nodes` values of the last call
  machine::UpgradeRequest upgrade;
  machine::RebootRequest reboot;
  machine::ShutdownRequest shutdown;
  machine::ResetRequest reset;
  uint64_t removed_member = 0;
  std::string pulled_image;
  std::string containerd;  // "<driver>/<namespace>" numbers of the last Pull
  std::string lifecycle_image;
  std::string recovered;       // bytes EtcdRecover received
  std::string health_request;  // HealthCheckRequest.ShortDebugString()
  machine::EventsRequest events_request;
  std::string watch_request;      // WatchRequest.ShortDebugString()
  bool stream_cancelled = false;  // a held-open stream saw the client go away
};

class FakeTalos {
 public:
  // Starts serving on `listen` ("host:port", port 0 = ephemeral); `server` is the cert/key it
  // presents, `client_ca` (Secure) the CA it requires client certs from.
  FakeTalos(ServerMode mode, const Pem& server, const std::string& client_ca,
            const std::string& listen = "127.0.0.1:0");
  ~FakeTalos();

  std::string endpoint() const;  // "<host>:<port>"
  bool listening() const { return port_ != 0; }
  Script& script() { return state_->script; }
  Seen seen() const {
    std::lock_guard lock(state_->mutex);
    return state_->seen;
  }

  struct State {
    ServerMode mode;
    mutable std::mutex mutex;
    Script script;
    Seen seen;
  };

 private:
  std::shared_ptr<State> state_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::unique_ptr<grpc::Server> server_;
  std::string host_;
  int port_ = 0;
};

// A TLS server on 127.0.0.1 answering every method with the same raw reply bytes (garbage,
// truncated or mistyped messages), to test the client's side of criterion 6.
class RawTalos {
 public:
  RawTalos(const Pem& server, const std::string& client_ca, std::string reply);
  ~RawTalos();
  std::string endpoint() const;

 private:
  std::unique_ptr<grpc::CallbackGenericService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

// A port on 127.0.0.1 where nothing listens (a server bound it, then stopped).
int closed_port();

// A gzip'd tar with one `kubeconfig` entry and no end-of-archive blocks, like Talos sends.
std::string kubeconfig_tar_gz(const std::string& content);

}  // namespace talos_test
