// What the FakeTalos services share (fake_talos_support.cc, fake_talos_streams_support.cc): the
// call prologue (record, scripted failure, role check), fan-out helpers and server credentials.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_context.h>

#include "common/common.pb.h"
#include "talos/fake_talos.h"

namespace talos_test {

using State = FakeTalos::State;

// Records the call and decides whether it fails before doing its work: a scripted failure, or
// PermissionDenied when the client cert has none of `allowed` (empty = any role).
std::optional<grpc::Status> begin(State& s, grpc::ServerContext* context, const std::string& method,
                                  const std::vector<std::string>& allowed);
std::optional<grpc::Status> begin(State& s, grpc::ServerContext* context, const std::string& method,
                                  bool admin_only);

// `nodes` metadata of the current call (recorded by begin); empty without fan-out.
std::vector<std::string> fanout_nodes(const State& s);
bool node_is_down(const State& s, const std::string& node);
// Fills metadata like apid does for a node it could not reach.
void mark_down(common::Metadata* metadata, const std::string& node);

// Keeps a server stream open until the client cancels or its deadline passes; records that.
void hold_open(State& s, grpc::ServerContext* context);

std::shared_ptr<grpc::ServerCredentials> server_credentials(ServerMode mode, const Pem& server,
                                                            const std::string& client_ca);

// ImageService, LifecycleService and ClusterService.
void add_stream_services(const std::shared_ptr<State>& state,
                         std::vector<std::unique_ptr<grpc::Service>>& services);

}  // namespace talos_test
