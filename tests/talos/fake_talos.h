// A minimal in-process apid double for the gRPC client tests: a few MachineService, StorageService
// and COSI State methods on 127.0.0.1:<ephemeral>, with scripted failures and call counters. It
// checks roles like Talos (§1.3) so the client's error mapping meets a realistic refusal.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/server.h>
#include <grpcpp/support/status.h>

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
};

// What the fake saw.
struct Seen {
  std::map<std::string, int> calls;
  std::vector<std::string> node_metadata;  // `node` values of the last call
  std::vector<std::string> peer_roles;     // O values of the client cert of the last call
  bool peer_had_cert = false;
  int bootstraps = 0;
};

class FakeTalos {
 public:
  // Starts serving; `server` is the cert/key it presents, `client_ca` (Secure) the CA it requires
  // client certs from.
  FakeTalos(ServerMode mode, const Pem& server, const std::string& client_ca);
  ~FakeTalos();

  std::string endpoint() const;  // "127.0.0.1:<port>"
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
  int port_ = 0;
};

// A port on 127.0.0.1 where nothing listens (a server bound it, then stopped).
int closed_port();

// A gzip'd tar with one `kubeconfig` entry and no end-of-archive blocks, like Talos sends.
std::string kubeconfig_tar_gz(const std::string& content);

}  // namespace talos_test
