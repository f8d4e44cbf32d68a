// FakeTalos: the services, the role check and the TLS setup of the test apid.
#include <arpa/inet.h>
#include <cstring>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <zlib.h>

#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/server_context.h>

#include "cosi/state.grpc.pb.h"
#include "machine/machine.grpc.pb.h"
#include "storage/storage.grpc.pb.h"
#include "talos/fake_talos.h"
#include "talos/fake_talos_calls.h"
#include "talos/x509_info.h"

namespace talos_test {
namespace {

std::vector<std::string> peer_roles(grpc::ServerContext* context, bool& had_cert) {
  const auto pems = context->auth_context()->FindPropertyValues("x509_pem_cert");
  had_cert = !pems.empty();
  if (!had_cert) {
    return {};
  }
  auto roles = talos::certificate_organizations(std::string(pems[0].data(), pems[0].size()));
  return roles.ok() ? *roles : std::vector<std::string>{};
}

bool has_role(const std::vector<std::string>& roles, const std::string& role) {
  for (const auto& r : roles) {
    if (r == role) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::optional<grpc::Status> begin(State& s, grpc::ServerContext* context, const std::string& method,
                                  const std::vector<std::string>& allowed) {
  std::lock_guard lock(s.mutex);
  s.seen.calls[method]++;
  s.seen.node_metadata.clear();
  s.seen.nodes_metadata.clear();
  for (auto [key, out] :
       {std::pair{"node", &s.seen.node_metadata}, std::pair{"nodes", &s.seen.nodes_metadata}}) {
    const auto range = context->client_metadata().equal_range(key);
    for (auto it = range.first; it != range.second; ++it) {
      out->emplace_back(it->second.data(), it->second.size());
    }
  }
  s.seen.peer_roles = peer_roles(context, s.seen.peer_had_cert);
  auto& queue = s.script.fail_next[method];
  if (!queue.empty()) {
    grpc::Status status = queue.front();
    queue.pop_front();
    return status;
  }
  if (s.mode == ServerMode::Maintenance && method == "Version") {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                        "API is not implemented in maintenance mode");
  }
  if (s.mode == ServerMode::Secure && !allowed.empty()) {
    for (const std::string& role : allowed) {
      if (has_role(s.seen.peer_roles, role)) {
        return std::nullopt;
      }
    }
    return grpc::Status(grpc::StatusCode::PERMISSION_DENIED, "not authorized");
  }
  return std::nullopt;
}

std::optional<grpc::Status> begin(State& s, grpc::ServerContext* context, const std::string& method,
                                  bool admin_only) {
  return begin(s, context, method,
               admin_only ? std::vector<std::string>{"os:admin"} : std::vector<std::string>{});
}

std::vector<std::string> fanout_nodes(const State& s) {
  std::lock_guard lock(s.mutex);
  return s.seen.nodes_metadata;
}

bool node_is_down(const State& s, const std::string& node) {
  std::lock_guard lock(s.mutex);
  for (const std::string& down : s.script.down_nodes) {
    if (down == node) {
      return true;
    }
  }
  return false;
}

void mark_down(common::Metadata* metadata, const std::string& node) {
  metadata->set_hostname(node);
  metadata->set_error("rpc error: code = Unavailable desc = connection refused");
  metadata->mutable_status()->set_code(14);
  metadata->mutable_status()->set_message("connection refused");
}

namespace {

class Machine final : public machine::MachineService::Service {
 public:
  explicit Machine(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status Version(grpc::ServerContext* context, const google::protobuf::Empty*,
                       machine::VersionResponse* reply) override {
    if (auto failed = begin(*s_, context, "Version", false)) {
      return *failed;
    }
    std::this_thread::sleep_for(s_->script.version_delay);
    const std::vector<std::string> nodes = fanout_nodes(*s_);
    for (const std::string& node : nodes) {
      machine::Version* v = reply->add_messages();
      if (node_is_down(*s_, node)) {
        mark_down(v->mutable_metadata(), node);
        continue;
      }
      v->mutable_metadata()->set_hostname(node);
      v->mutable_version()->set_tag("v1.11.6");
    }
    if (!nodes.empty()) {
      return grpc::Status::OK;
    }
    machine::Version* v = reply->add_messages();
    if (!s_->script.embedded_error.empty()) {
      v->mutable_metadata()->set_hostname(s_->script.embedded_hostname);
      v->mutable_metadata()->set_error(s_->script.embedded_error);
      v->mutable_metadata()->mutable_status()->set_code(14);
      v->mutable_metadata()->mutable_status()->set_message(s_->script.embedded_error);
      return grpc::Status::OK;
    }
    v->mutable_version()->set_tag("v1.11.6");
    v->mutable_version()->set_sha(std::string(s_->script.version_padding, 'x'));
    v->mutable_version()->set_arch("amd64");
    v->mutable_platform()->set_name("nocloud");
    v->mutable_platform()->set_mode("cloud");
    v->mutable_features()->set_rbac(true);
    return grpc::Status::OK;
  }

  grpc::Status ApplyConfiguration(grpc::ServerContext* context,
                                  const machine::ApplyConfigurationRequest* request,
                                  machine::ApplyConfigurationResponse* reply) override {
    if (auto failed = begin(*s_, context, "ApplyConfiguration", s_->mode == ServerMode::Secure)) {
      return *failed;
    }
    if (request->data().find("version: v1alpha1") == std::string::npos) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          "the applied machine configuration doesn't contain v1alpha1 config, "
                          "did you mean to patch the machine config instead?");
    }
    machine::ApplyConfiguration* a = reply->add_messages();
    a->add_warnings("deprecated field");
    a->set_mode(request->dry_run() ? machine::ApplyConfigurationRequest::NO_REBOOT
                                   : request->mode());
    a->set_mode_details(request->dry_run() ? "Dry run summary:" : "Applied configuration");
    return grpc::Status::OK;
  }

  grpc::Status Bootstrap(grpc::ServerContext* context, const machine::BootstrapRequest*,
                         machine::BootstrapResponse* reply) override {
    if (auto failed = begin(*s_, context, "Bootstrap", true)) {
      return *failed;
    }
    std::lock_guard lock(s_->mutex);
    if (s_->seen.bootstraps++ > 0) {
      return grpc::Status(grpc::StatusCode::ALREADY_EXISTS, "etcd data directory is not empty");
    }
    reply->add_messages();
    return grpc::Status::OK;
  }

  grpc::Status ServiceList(grpc::ServerContext* context, const google::protobuf::Empty*,
                           machine::ServiceListResponse* reply) override {
    if (auto failed = begin(*s_, context, "ServiceList", false)) {
      return *failed;
    }
    std::vector<std::string> nodes = fanout_nodes(*s_);
    if (nodes.empty()) {
      nodes.push_back("");
    }
    for (const std::string& node : nodes) {
      machine::ServiceList* list = reply->add_messages();
      if (!node.empty() && node_is_down(*s_, node)) {
        mark_down(list->mutable_metadata(), node);
        continue;
      }
      list->mutable_metadata()->set_hostname(node);
      add_etcd_service(list);
    }
    return grpc::Status::OK;
  }

  static void add_etcd_service(machine::ServiceList* list) {
    machine::ServiceInfo* info = list->add_services();
    info->set_id("etcd");
    info->set_state("Running");
    info->mutable_health()->set_healthy(true);
    machine::ServiceEvent* e = info->mutable_events()->add_events();
    e->set_msg("Health check successful");
    e->set_state("Running");
    e->mutable_ts()->set_seconds(1700000000);
  }

  grpc::Status Memory(grpc::ServerContext* context, const google::protobuf::Empty*,
                      machine::MemoryResponse* reply) override {
    if (auto failed = begin(*s_, context, "Memory", false)) {
      return *failed;
    }
    machine::MemInfo* info = reply->add_messages()->mutable_meminfo();
    info->set_memtotal(4026532);
    info->set_memfree(2013266);
    info->set_memavailable(3019898);
    return grpc::Status::OK;
  }

  grpc::Status EtcdMemberList(grpc::ServerContext* context, const machine::EtcdMemberListRequest*,
                              machine::EtcdMemberListResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdMemberList", false)) {
      return *failed;
    }
    machine::EtcdMember* m = reply->add_messages()->add_members();
    m->set_id(0x1a2b3c4d5e6f7081);
    m->set_hostname("cp-1");
    m->add_peer_urls("https://127.0.0.1:2380");
    m->add_client_urls("https://127.0.0.1:2379");
    return grpc::Status::OK;
  }

  grpc::Status Kubeconfig(grpc::ServerContext* context, const google::protobuf::Empty*,
                          grpc::ServerWriter<common::Data>* writer) override {
    if (auto failed = begin(*s_, context, "Kubeconfig", true)) {
      return *failed;
    }
    common::Data data;
    data.set_bytes(s_->script.kubeconfig_archive);
    writer->Write(data);
    return grpc::Status::OK;
  }

  grpc::Status Hostname(grpc::ServerContext* context, const google::protobuf::Empty*,
                        machine::HostnameResponse* reply) override {
    if (auto failed = begin(*s_, context, "Hostname", false)) {
      return *failed;
    }
    reply->add_messages()->set_hostname(s_->script.hostname);
    return grpc::Status::OK;
  }

  grpc::Status Upgrade(grpc::ServerContext* context, const machine::UpgradeRequest* request,
                       machine::UpgradeResponse* reply) override {
    if (auto failed = begin(*s_, context, "Upgrade", true)) {
      return *failed;
    }
    record(&Seen::upgrade, *request);
    machine::Upgrade* u = reply->add_messages();
    u->set_ack("Upgrade request received");
    u->set_actor_id("actor-upgrade");
    return grpc::Status::OK;
  }

  grpc::Status Rollback(grpc::ServerContext* context, const machine::RollbackRequest*,
                        machine::RollbackResponse* reply) override {
    if (auto failed = begin(*s_, context, "Rollback", true)) {
      return *failed;
    }
    reply->add_messages();
    return grpc::Status::OK;
  }

  grpc::Status Reboot(grpc::ServerContext* context, const machine::RebootRequest* request,
                      machine::RebootResponse* reply) override {
    if (auto failed = begin(*s_, context, "Reboot", kOperator)) {
      return *failed;
    }
    record(&Seen::reboot, *request);
    reply->add_messages()->set_actor_id("actor-reboot");
    return grpc::Status::OK;
  }

  grpc::Status Shutdown(grpc::ServerContext* context, const machine::ShutdownRequest* request,
                        machine::ShutdownResponse* reply) override {
    if (auto failed = begin(*s_, context, "Shutdown", kOperator)) {
      return *failed;
    }
    record(&Seen::shutdown, *request);
    reply->add_messages()->set_actor_id("actor-shutdown");
    return grpc::Status::OK;
  }

  grpc::Status Reset(grpc::ServerContext* context, const machine::ResetRequest* request,
                     machine::ResetResponse* reply) override {
    if (auto failed = begin(*s_, context, "Reset", true)) {
      return *failed;
    }
    record(&Seen::reset, *request);
    reply->add_messages()->set_actor_id("actor-reset");
    return grpc::Status::OK;
  }

  grpc::Status EtcdRemoveMemberByID(grpc::ServerContext* context,
                                    const machine::EtcdRemoveMemberByIDRequest* request,
                                    machine::EtcdRemoveMemberByIDResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdRemoveMemberByID", true)) {
      return *failed;
    }
    if (request->member_id() != 0x1a2b3c4d5e6f7081) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "etcdserver: member not found");
    }
    record(&Seen::removed_member, request->member_id());
    reply->add_messages();
    return grpc::Status::OK;
  }

  grpc::Status EtcdLeaveCluster(grpc::ServerContext* context,
                                const machine::EtcdLeaveClusterRequest*,
                                machine::EtcdLeaveClusterResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdLeaveCluster", true)) {
      return *failed;
    }
    reply->add_messages();
    return grpc::Status::OK;
  }

  grpc::Status EtcdForfeitLeadership(grpc::ServerContext* context,
                                     const machine::EtcdForfeitLeadershipRequest*,
                                     machine::EtcdForfeitLeadershipResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdForfeitLeadership", true)) {
      return *failed;
    }
    reply->add_messages()->set_member("cp-2");
    return grpc::Status::OK;
  }

  grpc::Status EtcdStatus(grpc::ServerContext* context, const google::protobuf::Empty*,
                          machine::EtcdStatusResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdStatus", false)) {
      return *failed;
    }
    machine::EtcdMemberStatus* m = reply->add_messages()->mutable_member_status();
    m->set_member_id(0x1a2b3c4d5e6f7081);
    m->set_protocol_version("3.5.0");
    m->set_storage_version("3.5.0");
    m->set_db_size(20480);
    m->set_db_size_in_use(16384);
    m->set_leader(0x1a2b3c4d5e6f7081);
    m->set_raft_index(42);
    m->set_raft_term(2);
    m->set_raft_applied_index(42);
    return grpc::Status::OK;
  }

  grpc::Status EtcdSnapshot(grpc::ServerContext* context, const machine::EtcdSnapshotRequest*,
                            grpc::ServerWriter<common::Data>* writer) override {
    if (auto failed = begin(*s_, context, "EtcdSnapshot", kBackup)) {
      return *failed;
    }
    const std::string& all = s_->script.etcd_snapshot;
    for (size_t at = 0; at < all.size(); at += 1000) {
      common::Data chunk;
      chunk.set_bytes(all.substr(at, 1000));
      if (!writer->Write(chunk)) {
        break;
      }
    }
    return grpc::Status::OK;
  }

  grpc::Status EtcdRecover(grpc::ServerContext* context, grpc::ServerReader<common::Data>* reader,
                           machine::EtcdRecoverResponse* reply) override {
    if (auto failed = begin(*s_, context, "EtcdRecover", true)) {
      return *failed;
    }
    std::string received;
    common::Data chunk;
    while (reader->Read(&chunk)) {
      received += chunk.bytes();
    }
    record(&Seen::recovered, received);
    reply->add_messages();
    return grpc::Status::OK;
  }

  grpc::Status Events(grpc::ServerContext* context, const machine::EventsRequest* request,
                      grpc::ServerWriter<machine::Event>* writer) override {
    if (auto failed = begin(*s_, context, "Events", false)) {
      return *failed;
    }
    record(&Seen::events_request, *request);
    machine::Event hello;  // like machined: an id (and the actor filter), no payload
    hello.set_id("hello-0");
    hello.set_actor_id(request->with_actor_id());
    writer->Write(hello);
    for (const machine::Event& e : s_->script.events) {
      writer->Write(e);
    }
    hold_open(*s_, context);
    return grpc::Status::OK;
  }

 private:
  static inline const std::vector<std::string> kOperator = {"os:admin", "os:operator"};
  static inline const std::vector<std::string> kBackup = {"os:admin", "os:operator",
                                                          "os:etcd:backup"};

  template <typename Field, typename Value>
  void record(Field Seen::*field, const Value& value) {
    std::lock_guard lock(s_->mutex);
    s_->seen.*field = value;
  }
  std::shared_ptr<State> s_;
};

class Storage final : public storage::StorageService::Service {
 public:
  explicit Storage(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status Disks(grpc::ServerContext* context, const google::protobuf::Empty*,
                     storage::DisksResponse* reply) override {
    if (auto failed = begin(*s_, context, "Disks", false)) {
      return *failed;
    }
    storage::Disk* d = reply->add_messages()->add_disks();
    d->set_device_name("/dev/vda");
    d->set_size(34359738368);
    d->set_model("QEMU HARDDISK");
    d->set_type(storage::Disk::HDD);
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<State> s_;
};

void fill_machine_status(cosi::resource::Resource* r) {
  cosi::resource::Metadata* m = r->mutable_metadata();
  m->set_namespace_("runtime");
  m->set_type("MachineStatuses.runtime.talos.dev");
  m->set_id("machine");
  m->set_version("3");
  m->set_phase("running");
  m->mutable_created()->set_seconds(1700000000);
  (*m->mutable_labels())["talos.dev/stage"] = "running";
  r->mutable_spec()->set_yaml_spec("stage: running\nstatus:\n    ready: true\n");
  r->mutable_spec()->set_proto_spec(std::string("\x08\x04\x12\x02\x08\x01", 6));
}

class Cosi final : public cosi::resource::State::Service {
 public:
  explicit Cosi(std::shared_ptr<State> s) : s_(std::move(s)) {}

  grpc::Status Get(grpc::ServerContext* context, const cosi::resource::GetRequest* request,
                   cosi::resource::GetResponse* reply) override {
    if (auto failed = begin(*s_, context, "Get", false)) {
      return *failed;
    }
    if (request->type() != "MachineStatuses.runtime.talos.dev" || request->id() != "machine") {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          "resource " + request->type() + "/" + request->id() + " doesn't exist");
    }
    fill_machine_status(reply->mutable_resource());
    return grpc::Status::OK;
  }

  grpc::Status List(grpc::ServerContext* context, const cosi::resource::ListRequest* request,
                    grpc::ServerWriter<cosi::resource::ListResponse>* writer) override {
    if (auto failed = begin(*s_, context, "List", false)) {
      return *failed;
    }
    for (int i = 0; i < 2; ++i) {
      cosi::resource::ListResponse item;
      fill_machine_status(item.mutable_resource());
      item.mutable_resource()->mutable_metadata()->set_id("machine-" + std::to_string(i));
      writer->Write(item);
    }
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* context, const cosi::resource::WatchRequest* request,
                     grpc::ServerWriter<cosi::resource::WatchResponse>* writer) override {
    if (auto failed = begin(*s_, context, "Watch", false)) {
      return *failed;
    }
    {
      std::lock_guard lock(s_->mutex);
      s_->seen.watch_request = request->ShortDebugString();
    }
    writer->Write(cosi::resource::WatchResponse());  // "watch established"
    for (auto [type, version] :
         {std::pair{cosi::resource::CREATED, "3"}, std::pair{cosi::resource::UPDATED, "4"}}) {
      cosi::resource::WatchResponse reply;
      cosi::resource::Event* e = reply.add_event();
      e->set_event_type(type);
      fill_machine_status(e->mutable_resource());
      e->mutable_resource()->mutable_metadata()->set_version(version);
      writer->Write(reply);
    }
    hold_open(*s_, context);
    return grpc::Status::OK;
  }

 private:
  std::shared_ptr<State> s_;
};

}  // namespace

std::shared_ptr<grpc::ServerCredentials> server_credentials(ServerMode mode, const Pem& server,
                                                            const std::string& client_ca) {
  grpc::SslServerCredentialsOptions ssl(
      mode == ServerMode::Secure ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                                 : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  ssl.pem_key_cert_pairs.push_back({server.key, server.crt});
  if (mode == ServerMode::Secure) {
    ssl.pem_root_certs = client_ca;
  }
  return grpc::SslServerCredentials(ssl);
}

void hold_open(State& s, grpc::ServerContext* context) {
  while (!context->IsCancelled()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::lock_guard lock(s.mutex);
  s.seen.stream_cancelled = true;
}

FakeTalos::FakeTalos(ServerMode mode, const Pem& server, const std::string& client_ca,
                     const std::string& listen)
    : state_(std::make_shared<State>()), host_(listen.substr(0, listen.rfind(':'))) {
  state_->mode = mode;
  services_.push_back(std::make_unique<Machine>(state_));
  services_.push_back(std::make_unique<Storage>(state_));
  services_.push_back(std::make_unique<Cosi>(state_));
  add_stream_services(state_, services_);
  grpc::ServerBuilder builder;
  builder.AddListeningPort(listen, server_credentials(mode, server, client_ca), &port_);
  builder.SetMaxSendMessageSize(64 << 20);  // so the client's 32 MiB limit is what refuses
  for (auto& service : services_) {
    builder.RegisterService(service.get());
  }
  server_ = builder.BuildAndStart();
}

FakeTalos::~FakeTalos() {
  server_->Shutdown(std::chrono::system_clock::now());
}

std::string FakeTalos::endpoint() const {
  return host_ + ":" + std::to_string(port_);
}

int closed_port() {
  // Bind and close a plain socket: the kernel picked a free port and nothing listens there now.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::string kubeconfig_tar_gz(const std::string& content) {
  char header[512] = {};
  std::strcpy(header, "kubeconfig");
  std::snprintf(header + 100, 8, "%07o", 0600);
  std::snprintf(header + 108, 8, "%07o", 0);
  std::snprintf(header + 116, 8, "%07o", 0);
  std::snprintf(header + 124, 12, "%011o", static_cast<unsigned>(content.size()));
  std::snprintf(header + 136, 12, "%011o", 0);
  header[156] = '0';
  std::memcpy(header + 257,
              "ustar\0"
              "00",
              8);
  std::memset(header + 148, ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : header) {
    sum += c;
  }
  std::snprintf(header + 148, 8, "%06o", sum);
  // No padding after the data and no end-of-archive blocks: Talos never closes its tar writer.
  const std::string tar = std::string(header, sizeof header) + content;

  z_stream z{};
  deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, tar.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(tar.data()));
  z.avail_in = static_cast<uInt>(tar.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace talos_test
