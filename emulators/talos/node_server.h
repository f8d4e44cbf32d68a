// Builds the gRPC servers of one node for a personality (talos.md §1.1, §1.6): maintenance =
// server-only TLS with the throwaway cert and the reduced service set; configured = mTLS against
// the cluster's OS CA with the full set (+ trustd on :50001 for control planes).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/server.h>
#include <grpcpp/impl/codegen/service_type.h>

#include "emulators/talos/pki.h"
#include "util/result.h"

namespace talos_emu {

class Emulator;
class Node;
enum class Personality;

struct NodeServers {
  std::unique_ptr<grpc::Server> api;     // <address>:50000
  std::unique_ptr<grpc::Server> trustd;  // <address>:50001, control planes only
  std::vector<std::shared_ptr<grpc::Service>> services;  // must outlive the servers
};

struct ServerSetup {
  Personality personality;
  CertAndKey identity;        // server cert chain + key
  std::string client_ca_pem;  // configured: the OS CA clients must chain to
  bool trustd = false;
};

util::Result<NodeServers> start_node_servers(Emulator& emulator, const std::shared_ptr<Node>& node,
                                             const ServerSetup& setup);

// Stops immediately: open calls are cancelled, then the servers are destroyed.
void stop_node_servers(NodeServers& servers);

}  // namespace talos_emu
