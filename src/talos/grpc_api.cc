// GrpcApi's core: deadlines and `node(s)` metadata on every call, retries for idempotent reads
// only; the reads, apply and bootstrap. Replies are checked for apid's embedded per-node errors
// and converted to plain structs.
#include <algorithm>
#include <thread>

#include <fmt/format.h>
#include <google/protobuf/empty.pb.h>
#include <grpcpp/client_context.h>
#include <spdlog/spdlog.h>

#include "talos/api.h"
#include "talos/grpc_api_impl.h"
#include "talos/grpc_channel.h"
#include "talos/grpc_convert.h"
#include "talos/grpc_errors.h"
#include "talos/kubeconfig_archive.h"
#include "talos/x509_info.h"

namespace talos {
namespace {

bool transient(const grpc::Status& status) {
  if (is_tls_failure(status)) {
    return false;  // a trust problem: the next handshake fails the same way
  }
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

}  // namespace

GrpcApi::GrpcApi(ConnectOptions options, std::string endpoint,
                 std::shared_ptr<grpc::Channel> channel, std::vector<std::string> roles)
    : options_(std::move(options)),
      endpoint_(std::move(endpoint)),
      roles_(std::move(roles)),
      machine_(::machine::MachineService::NewStub(channel)),
      lifecycle_(::machine::LifecycleService::NewStub(channel)),
      image_(::machine::ImageService::NewStub(channel)),
      storage_(::storage::StorageService::NewStub(channel)),
      cluster_(::cluster::ClusterService::NewStub(channel)),
      state_(::cosi::resource::State::NewStub(channel)) {}

CallSite GrpcApi::site(const char* method) const {
  return CallSite{method, endpoint_, options_.node, options_.mode, roles_, options_.call_timeout};
}

void GrpcApi::prepare(grpc::ClientContext& context, std::chrono::milliseconds timeout,
                      const std::vector<std::string>& nodes) const {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!nodes.empty()) {
    for (const std::string& node : nodes) {
      context.AddMetadata("nodes", node);  // one value per node (multi-valued key)
    }
  } else if (!options_.node.empty()) {
    context.AddMetadata("node", options_.node);
  }
}

grpc::Status GrpcApi::invoke(Idempotent idempotent, const Attempt& attempt,
                             const std::vector<std::string>& nodes) const {
  std::chrono::milliseconds backoff = options_.retry.initial_backoff;
  for (int n = 1;; ++n) {
    grpc::ClientContext context;  // one per attempt: gRPC forbids reuse
    prepare(context, options_.call_timeout, nodes);
    grpc::Status status = attempt(context);
    if (status.ok() || idempotent == Idempotent::No || !transient(status) ||
        n >= options_.retry.max_attempts) {
      return status;
    }
    if (options_.sleep) {
      options_.sleep(backoff);
    } else {
      std::this_thread::sleep_for(backoff);
    }
    backoff = std::min(backoff * 2, options_.retry.max_backoff);
  }
}

util::Result<void> GrpcApi::call(const char* method, Idempotent idempotent, const Attempt& attempt,
                                 const std::vector<std::string>& nodes) const {
  const auto start = std::chrono::steady_clock::now();
  const grpc::Status status = invoke(idempotent, attempt, nodes);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  // Method, target, status and time only: requests carry configs and replies kubeconfigs.
  spdlog::debug("talos.call method={} endpoint={} node={} status={} took_ms={}", method, endpoint_,
                options_.node, static_cast<int>(status.error_code()), took.count());
  if (!status.ok()) {
    return status_error(status, site(method));
  }
  return {};
}

util::Result<VersionInfo> GrpcApi::version() {
  ::machine::VersionResponse reply;
  RETURN_IF_ERROR(call("Version", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->Version(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Version")));
  return from_proto(reply.messages(0));
}

util::Result<std::vector<Disk>> GrpcApi::disks() {
  ::storage::DisksResponse reply;
  RETURN_IF_ERROR(call("Disks", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return storage_->Disks(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Disks")));
  std::vector<Disk> out;
  for (const auto& disk : reply.messages(0).disks()) {
    out.push_back(from_proto(disk));
  }
  return out;
}

util::Result<std::vector<ServiceInfo>> GrpcApi::service_list() {
  ::machine::ServiceListResponse reply;
  RETURN_IF_ERROR(call("ServiceList", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->ServiceList(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("ServiceList")));
  std::vector<ServiceInfo> out;
  for (const auto& service : reply.messages(0).services()) {
    out.push_back(from_proto(service));
  }
  return out;
}

util::Result<MemoryInfo> GrpcApi::memory() {
  ::machine::MemoryResponse reply;
  RETURN_IF_ERROR(call("Memory", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->Memory(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Memory")));
  return from_proto(reply.messages(0));
}

util::Result<std::vector<EtcdMember>> GrpcApi::etcd_member_list(bool query_local) {
  ::machine::EtcdMemberListRequest request;
  request.set_query_local(query_local);
  ::machine::EtcdMemberListResponse reply;
  RETURN_IF_ERROR(call("EtcdMemberList", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->EtcdMemberList(&context, request, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("EtcdMemberList")));
  std::vector<EtcdMember> out;
  for (const auto& member : reply.messages(0).members()) {
    out.push_back(from_proto(member));
  }
  return out;
}

util::Result<Resource> GrpcApi::cosi_get(const std::string& ns, const std::string& type,
                                         const std::string& id) {
  ::cosi::resource::GetRequest request;
  request.set_namespace_(ns);
  request.set_type(type);
  request.set_id(id);
  ::cosi::resource::GetResponse reply;
  util::Result<void> done = call("Get", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return state_->Get(&context, request, &reply);
  });
  if (!done.ok()) {
    return std::move(done).error().with_context(fmt::format("read {} {}/{}", ns, type, id));
  }
  return from_proto(reply.resource());
}

util::Result<std::vector<Resource>> GrpcApi::cosi_list(const std::string& ns,
                                                       const std::string& type) {
  ::cosi::resource::ListRequest request;
  request.set_namespace_(ns);
  request.set_type(type);
  std::vector<::cosi::resource::ListResponse> replies;
  util::Result<void> done = call("List", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return read_stream(
        context, [&](grpc::ClientContext& c) { return state_->List(&c, request); }, replies);
  });
  if (!done.ok()) {
    return std::move(done).error().with_context(fmt::format("list {} {}", ns, type));
  }
  std::vector<Resource> out;
  for (const auto& reply : replies) {
    out.push_back(from_proto(reply.resource()));
  }
  return out;
}

util::Result<Kubeconfig> GrpcApi::kubeconfig() {
  std::vector<::common::Data> chunks;
  RETURN_IF_ERROR(call("Kubeconfig", Idempotent::No, [&](grpc::ClientContext& context) {
    return read_stream(
        context,
        [&](grpc::ClientContext& c) { return machine_->Kubeconfig(&c, google::protobuf::Empty()); },
        chunks);
  }));
  Kubeconfig out;
  for (const auto& chunk : chunks) {
    RETURN_IF_ERROR(check_metadata(chunk.metadata(), site("Kubeconfig")));
    out.archive += chunk.bytes();
  }
  util::Result<std::string> text = extract_kubeconfig(out.archive);
  if (!text.ok()) {
    return std::move(text).error().with_context("Kubeconfig on " + site("Kubeconfig").target());
  }
  out.kubeconfig = std::move(*text);
  return out;
}

util::Result<ApplyResult> GrpcApi::apply_configuration(const std::string& yaml, ApplyMode mode,
                                                       bool dry_run) {
  ::machine::ApplyConfigurationRequest request;
  request.set_data(yaml);
  request.set_mode(static_cast<::machine::ApplyConfigurationRequest_Mode>(mode));
  request.set_dry_run(dry_run);
  ::machine::ApplyConfigurationResponse reply;
  RETURN_IF_ERROR(call("ApplyConfiguration", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->ApplyConfiguration(&context, request, &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("ApplyConfiguration")));
  return from_proto(reply.messages(0));
}

util::Result<void> GrpcApi::bootstrap(const BootstrapOptions& options) {
  ::machine::BootstrapRequest request;
  request.set_recover_etcd(options.recover_etcd);
  request.set_recover_skip_hash_check(options.recover_skip_hash_check);
  ::machine::BootstrapResponse reply;
  RETURN_IF_ERROR(call("Bootstrap", Idempotent::No, [&](grpc::ClientContext& context) {
    return machine_->Bootstrap(&context, request, &reply);
  }));
  return check_envelope(reply, site("Bootstrap"));
}

util::Result<HostnameInfo> GrpcApi::hostname() {
  ::machine::HostnameResponse reply;
  RETURN_IF_ERROR(call("Hostname", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->Hostname(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("Hostname")));
  return HostnameInfo{reply.messages(0).metadata().hostname(), reply.messages(0).hostname()};
}

util::Result<EtcdMemberStatus> GrpcApi::etcd_status() {
  ::machine::EtcdStatusResponse reply;
  RETURN_IF_ERROR(call("EtcdStatus", Idempotent::Yes, [&](grpc::ClientContext& context) {
    return machine_->EtcdStatus(&context, google::protobuf::Empty(), &reply);
  }));
  RETURN_IF_ERROR(check_envelope(reply, site("EtcdStatus")));
  return from_proto(reply.messages(0));
}

util::Result<std::unique_ptr<Api>> make_grpc_api(ConnectOptions options) {
  ASSIGN_OR_RETURN(std::string endpoint, normalize_endpoint(options.endpoint));
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel, make_channel(endpoint, options));
  std::vector<std::string> roles;
  if (options.mode == ConnectMode::Secure) {
    util::Result<std::vector<std::string>> parsed =
        certificate_organizations(options.credentials.crt_pem);
    if (!parsed.ok()) {
      return util::Error::invalid_input("talosconfig client certificate is not a PEM certificate");
    }
    roles = std::move(*parsed);
  }
  return std::unique_ptr<Api>(
      std::make_unique<GrpcApi>(std::move(options), std::move(endpoint), channel, roles));
}

}  // namespace talos
