#include "emulators/talos/node_server.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/support/server_interceptor.h>

#include "emulators/talos/emulator.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

constexpr int kMaxMessageBytes = 32 << 20;  // apid's GRPCMaxMessageSize

// Counts every call a node receives by method; it intercepts nothing.
class CallCounter final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallCounter(Counters& counters) : counters_(counters) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    counters_.rpc_call(info->method());
    return nullptr;
  }

 private:
  Counters& counters_;
};

std::shared_ptr<grpc::ServerCredentials> credentials(const CertAndKey& identity,
                                                     const std::string& client_ca) {
  grpc::SslServerCredentialsOptions options(
      client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                        : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = client_ca;
  options.pem_key_cert_pairs.push_back({identity.key_pem, identity.cert_pem});
  return grpc::SslServerCredentials(options);
}

util::Result<std::unique_ptr<grpc::Server>> build(const std::string& address,
                                                  std::shared_ptr<grpc::ServerCredentials> creds,
                                                  const std::vector<std::shared_ptr<grpc::Service>>& services,
                                                  Counters& counters) {
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallCounter>(counters));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  int bound = 0;
  builder.AddListeningPort(address, creds, &bound);
  builder.SetMaxReceiveMessageSize(kMaxMessageBytes);
  builder.SetMaxSendMessageSize(kMaxMessageBytes);
  // Few threads per node: one process hosts a hundred of them.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::NUM_CQS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 1);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 2);
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  for (const auto& s : services) builder.RegisterService(s.get());
  auto server = builder.BuildAndStart();
  if (!server || bound == 0) {
    return util::Error::unavailable("cannot listen on " + address +
                                    " (address in use or not a local address)");
  }
  return server;
}

}  // namespace

util::Result<NodeServers> start_node_servers(Emulator& emulator, const std::shared_ptr<Node>& node,
                                             const ServerSetup& setup) {
  NodeServers out;
  std::weak_ptr<Node> weak = node;
  const bool maintenance = setup.personality == Personality::Maintenance;
  std::vector<std::shared_ptr<grpc::Service>> api = {
      make_machine_service(emulator, weak, setup.personality),
      make_storage_service(emulator, weak, setup.personality),
      make_cosi_service(emulator, weak, setup.personality),
  };
  if (!maintenance) {
    api.push_back(make_cluster_service(emulator, weak));
    api.push_back(make_image_service(emulator, weak));
    api.push_back(make_lifecycle_service(emulator, weak));
  }
  const std::string host = node->address();
  ASSIGN_OR_RETURN(out.api, build(host + ":" + std::to_string(emulator.options().api_port),
                                  credentials(setup.identity, maintenance ? "" : setup.client_ca_pem),
                                  api, emulator.counters()));
  out.services = api;
  if (setup.trustd) {
    std::vector<std::shared_ptr<grpc::Service>> trustd = {make_trustd_service(weak)};
    auto server = build(host + ":" + std::to_string(emulator.options().trustd_port),
                        credentials(setup.identity, ""), trustd, emulator.counters());
    if (!server.ok()) {
      stop_node_servers(out);
      return std::move(server).error();
    }
    out.trustd = std::move(*server);
    out.services.insert(out.services.end(), trustd.begin(), trustd.end());
  }
  return out;
}

void stop_node_servers(NodeServers& servers) {
  const auto now = std::chrono::system_clock::now();
  if (servers.api) servers.api->Shutdown(now);
  if (servers.trustd) servers.trustd->Shutdown(now);
  servers.api.reset();
  servers.trustd.reset();
  servers.services.clear();
}

}  // namespace talos_emu
