// machine.MachineService in both personalities (talos.md §1.6, §2.4).
#include <thread>

#include <google/protobuf/util/time_util.h>

#include "machine/machine.grpc.pb.h"
#include "emulators/talos/admin_kubeconfig.h"
#include "emulators/talos/dispatch.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;
using google::protobuf::Empty;

const Status kNotInMaintenance{StatusCode::UNIMPLEMENTED,
                               "API is not implemented in maintenance mode"};

// Maintenance mode: ApplyConfiguration for anyone; admin-only methods look unimplemented to the
// os:reader everybody gets; the rest is not served.
class MaintenanceMachineService final : public machine::MachineService::Service {
 public:
  MaintenanceMachineService(Emulator& emulator, std::weak_ptr<Node> node)
      : emulator_(emulator), node_(std::move(node)) {}

  Status ApplyConfiguration(ServerContext*, const machine::ApplyConfigurationRequest* request,
                            machine::ApplyConfigurationResponse* response) override {
    auto node = node_.lock();
    if (!node) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    auto r = node->apply_configuration(request->data(), request->mode(), request->dry_run());
    if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
    auto& outcome = std::get<ApplyOutcome>(r);
    auto* m = response->add_messages();
    for (const auto& w : outcome.warnings) m->add_warnings(w);
    if (request->dry_run()) m->set_mode_details(outcome.details);
    return Status::OK;
  }
  Status Version(ServerContext*, const Empty*, machine::VersionResponse*) override {
    return kNotInMaintenance;
  }
  Status Upgrade(ServerContext*, const machine::UpgradeRequest*,
                 machine::UpgradeResponse*) override {
    return kNotInMaintenance;
  }
  Status Reset(ServerContext*, const machine::ResetRequest*, machine::ResetResponse*) override {
    return kNotInMaintenance;
  }
  Status GenerateClientConfiguration(ServerContext*,
                                     const machine::GenerateClientConfigurationRequest*,
                                     machine::GenerateClientConfigurationResponse*) override {
    return kNotInMaintenance;
  }

 private:
  Emulator& emulator_;
  std::weak_ptr<Node> node_;
};

class MachineService final : public machine::MachineService::Service {
 public:
  MachineService(Emulator& emulator, std::weak_ptr<Node> node)
      : emulator_(emulator), node_(std::move(node)) {}

  template <typename Req, typename Resp, typename Handler>
  Status unary(ServerContext* context, std::string_view method, const Req& request,
               Resp* response, Handler&& handler) {
    return dispatch_unary(emulator_, node_.lock(), Personality::Configured, *context, method,
                          request, response, std::forward<Handler>(handler));
  }

  Status ApplyConfiguration(ServerContext* context,
                            const machine::ApplyConfigurationRequest* request,
                            machine::ApplyConfigurationResponse* response) override {
    return unary(context, "ApplyConfiguration", *request, response,
                 [](Node& node, const auto& req, auto* resp) {
                   auto r = node.apply_configuration(req.data(), req.mode(), req.dry_run());
                   if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
                   auto& outcome = std::get<ApplyOutcome>(r);
                   auto* m = resp->add_messages();
                   for (const auto& w : outcome.warnings) m->add_warnings(w);
                   m->set_mode(outcome.mode);
                   m->set_mode_details(outcome.details);
                   return Status::OK;
                 });
  }

  Status Bootstrap(ServerContext* context, const machine::BootstrapRequest* request,
                   machine::BootstrapResponse* response) override {
    return unary(context, "Bootstrap", *request, response,
                 [](Node& node, const auto& req, auto* resp) {
                   if (auto e = node.bootstrap(req.recover_etcd())) return to_status(*e);
                   resp->add_messages();
                   return Status::OK;
                 });
  }

  Status Version(ServerContext* context, const Empty* request,
                 machine::VersionResponse* response) override {
    return unary(context, "Version", *request, response, [](Node& node, const auto&, auto* resp) {
      NodeSnapshot s = node.snapshot();
      auto* m = resp->add_messages();
      m->mutable_version()->set_tag(s.running_version);
      m->mutable_version()->set_sha("emulated");
      m->mutable_version()->set_built("2025-01-01T00:00:00Z");
      m->mutable_version()->set_go_version("go1.24.0");
      m->mutable_version()->set_os("linux");
      m->mutable_version()->set_arch("amd64");
      m->mutable_platform()->set_name(s.spec.platform);
      m->mutable_platform()->set_mode(s.spec.platform == "metal" ? "metal" : "cloud");
      m->mutable_features()->set_rbac(!s.config || s.config->rbac);
      return Status::OK;
    });
  }

  Status Hostname(ServerContext* context, const Empty* request,
                  machine::HostnameResponse* response) override {
    return unary(context, "Hostname", *request, response, [](Node& node, const auto&, auto* resp) {
      resp->add_messages()->set_hostname(node.snapshot().hostname);
      return Status::OK;
    });
  }

  Status Memory(ServerContext* context, const Empty* request,
                machine::MemoryResponse* response) override {
    return unary(context, "Memory", *request, response, [](Node& node, const auto&, auto* resp) {
      NodeSnapshot s = node.snapshot();
      // /proc/meminfo in kB: the VM's memory minus what the kernel keeps for itself.
      const uint64_t total_kb = static_cast<uint64_t>(std::max<int64_t>(s.spec.memory_mib - 100, 0)) * 1024;
      auto* info = resp->add_messages()->mutable_meminfo();
      info->set_memtotal(total_kb);
      info->set_memfree(total_kb / 2);
      info->set_memavailable(total_kb * 3 / 4);
      return Status::OK;
    });
  }

  Status ServiceList(ServerContext* context, const Empty* request,
                     machine::ServiceListResponse* response) override {
    return unary(context, "ServiceList", *request, response,
                 [](Node& node, const auto&, auto* resp) {
                   auto* m = resp->add_messages();
                   for (const ServiceRecord& r : node.snapshot().services) {
                     auto* info = m->add_services();
                     info->set_id(r.id);
                     info->set_state(r.state);
                     for (const auto& e : r.events) *info->mutable_events()->add_events() = e;
                     info->mutable_health()->set_unknown(r.health_unknown);
                     info->mutable_health()->set_healthy(r.healthy);
                     if (!r.events.empty()) {
                       info->mutable_health()->set_last_message(r.events.back().msg());
                       *info->mutable_health()->mutable_last_change() = r.events.back().ts();
                     }
                   }
                   return Status::OK;
                 });
  }

  Status Upgrade(ServerContext* context, const machine::UpgradeRequest* request,
                 machine::UpgradeResponse* response) override {
    return unary(context, "Upgrade", *request, response,
                 [](Node& node, const auto& req, auto* resp) {
                   auto r = node.upgrade(req.image(), req.stage(), req.force());
                   if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
                   auto* m = resp->add_messages();
                   m->set_ack("Upgrade request received");
                   m->set_actor_id(std::get<std::string>(r));
                   return Status::OK;
                 });
  }

  Status Rollback(ServerContext* context, const machine::RollbackRequest* request,
                  machine::RollbackResponse* response) override {
    return unary(context, "Rollback", *request, response, [](Node& node, const auto&, auto* resp) {
      if (auto e = node.rollback()) return to_status(*e);
      resp->add_messages();
      return Status::OK;
    });
  }

  Status Reboot(ServerContext* context, const machine::RebootRequest* request,
                machine::RebootResponse* response) override {
    return unary(context, "Reboot", *request, response, [](Node& node, const auto&, auto* resp) {
      auto r = node.reboot();
      if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
      resp->add_messages()->set_actor_id(std::get<std::string>(r));
      return Status::OK;
    });
  }

  Status Shutdown(ServerContext* context, const machine::ShutdownRequest* request,
                  machine::ShutdownResponse* response) override {
    return unary(context, "Shutdown", *request, response, [](Node& node, const auto&, auto* resp) {
      auto r = node.shutdown();
      if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
      resp->add_messages()->set_actor_id(std::get<std::string>(r));
      return Status::OK;
    });
  }

  Status Reset(ServerContext* context, const machine::ResetRequest* request,
               machine::ResetResponse* response) override {
    return unary(context, "Reset", *request, response, [](Node& node, const auto& req, auto* resp) {
      auto r = node.reset(req);
      if (auto* e = std::get_if<RpcError>(&r)) return to_status(*e);
      resp->add_messages()->set_actor_id(std::get<std::string>(r));
      return Status::OK;
    });
  }

  Status EtcdMemberList(ServerContext* context, const machine::EtcdMemberListRequest* request,
                        machine::EtcdMemberListResponse* response) override {
    return unary(context, "EtcdMemberList", *request, response,
                 [](Node& node, const auto& req, auto* resp) {
                   NodeSnapshot s = node.snapshot();
                   if (auto st = require_etcd(s); !st.ok()) return st;
                   auto* m = resp->add_messages();
                   for (const EtcdMember& member : s.cluster->etcd.members()) {
                     if (req.query_local() && member.name != s.hostname) continue;
                     auto* out = m->add_members();
                     out->set_id(member.id);
                     out->set_hostname(member.name);
                     out->add_peer_urls(member.peer_url);
                     out->add_client_urls(member.client_url);
                     out->set_is_learner(member.learner);
                     m->add_legacy_members(member.name);
                   }
                   return Status::OK;
                 });
  }

  Status EtcdRemoveMemberByID(ServerContext* context,
                              const machine::EtcdRemoveMemberByIDRequest* request,
                              machine::EtcdRemoveMemberByIDResponse* response) override {
    return unary(context, "EtcdRemoveMemberByID", *request, response,
                 [this](Node& node, const auto& req, auto* resp) {
                   NodeSnapshot s = node.snapshot();
                   if (auto st = require_etcd(s); !st.ok()) return st;
                   auto r = s.cluster->etcd.remove_member(req.member_id());
                   if (!r.ok()) return Status(StatusCode::NOT_FOUND, r.error().message);
                   emulator_.update_quorum(*s.cluster);
                   resp->add_messages();
                   return Status::OK;
                 });
  }

  Status EtcdLeaveCluster(ServerContext* context, const machine::EtcdLeaveClusterRequest* request,
                          machine::EtcdLeaveClusterResponse* response) override {
    return unary(context, "EtcdLeaveCluster", *request, response,
                 [](Node& node, const auto&, auto* resp) {
                   if (auto e = node.etcd_leave()) return to_status(*e);
                   resp->add_messages();
                   return Status::OK;
                 });
  }

  Status EtcdForfeitLeadership(ServerContext* context,
                               const machine::EtcdForfeitLeadershipRequest* request,
                               machine::EtcdForfeitLeadershipResponse* response) override {
    return unary(context, "EtcdForfeitLeadership", *request, response,
                 [](Node& node, const auto&, auto* resp) {
                   NodeSnapshot s = node.snapshot();
                   if (auto st = require_etcd(s); !st.ok()) return st;
                   auto r = s.cluster->etcd.forfeit_leadership(s.hostname);
                   if (!r.ok()) return Status(StatusCode::FAILED_PRECONDITION, r.error().message);
                   resp->add_messages()->set_member(*r);
                   return Status::OK;
                 });
  }

  Status EtcdStatus(ServerContext* context, const Empty* request,
                    machine::EtcdStatusResponse* response) override {
    return unary(context, "EtcdStatus", *request, response,
                 [](Node& node, const auto&, auto* resp) {
                   NodeSnapshot s = node.snapshot();
                   if (auto st = require_etcd(s); !st.ok()) return st;
                   auto r = s.cluster->etcd.status(s.hostname);
                   if (!r.ok()) return Status(StatusCode::NOT_FOUND, r.error().message);
                   auto* st = resp->add_messages()->mutable_member_status();
                   st->set_member_id(r->member_id);
                   st->set_protocol_version(r->protocol_version);
                   st->set_storage_version(r->protocol_version);
                   st->set_db_size(r->db_size);
                   st->set_db_size_in_use(r->db_size_in_use);
                   st->set_leader(r->leader);
                   st->set_raft_index(r->raft_index);
                   st->set_raft_term(r->raft_term);
                   st->set_raft_applied_index(r->raft_applied_index);
                   for (const auto& e : r->errors) st->add_errors(e);
                   st->set_is_learner(r->is_learner);
                   return Status::OK;
                 });
  }

  Status EtcdSnapshot(ServerContext* context, const machine::EtcdSnapshotRequest*,
                      grpc::ServerWriter<common::Data>* writer) override {
    auto node = node_.lock();
    if (auto st = check(context, "EtcdSnapshot"); !st.ok()) return st;
    NodeSnapshot s = node->snapshot();
    if (auto st = require_etcd(s); !st.ok()) return st;
    const std::string bytes = s.cluster->etcd.snapshot();
    for (size_t at = 0; at < bytes.size(); at += 64 * 1024) {
      common::Data chunk;
      chunk.set_bytes(bytes.substr(at, 64 * 1024));
      if (!writer->Write(chunk)) break;
    }
    return Status::OK;
  }

  Status EtcdRecover(ServerContext* context, grpc::ServerReader<common::Data>* reader,
                     machine::EtcdRecoverResponse* response) override {
    auto node = node_.lock();
    if (auto st = check(context, "EtcdRecover"); !st.ok()) return st;
    NodeSnapshot s = node->snapshot();
    if (!s.control_plane() || !s.cluster) {
      return {StatusCode::UNIMPLEMENTED, "etcd is only available on control plane nodes"};
    }
    std::string bytes;
    common::Data chunk;
    while (reader->Read(&chunk)) {
      bytes += chunk.bytes();
      if (bytes.size() > (512u << 20)) return {StatusCode::RESOURCE_EXHAUSTED, "snapshot too large"};
    }
    if (s.cluster->etcd.bootstrapped()) {
      return {StatusCode::FAILED_PRECONDITION, "etcd service is not ready for recovery yet"};
    }
    auto r = s.cluster->etcd.stage_recovery(bytes);
    if (!r.ok()) return {StatusCode::INVALID_ARGUMENT, r.error().message};
    response->add_messages();
    return Status::OK;
  }

  Status Kubeconfig(ServerContext* context, const Empty*,
                    grpc::ServerWriter<common::Data>* writer) override {
    std::shared_ptr<Node> node;
    if (auto st = check_and_route(context, "Kubeconfig", &node); !st.ok()) return st;
    NodeSnapshot s = node->snapshot();
    if (!s.control_plane()) {
      return {StatusCode::UNIMPLEMENTED, "kubeconfig is only available on control plane nodes"};
    }
    auto yaml = admin_kubeconfig_yaml(*s.config);
    if (!yaml.ok()) return {StatusCode::INTERNAL, yaml.error().message};
    common::Data data;
    data.set_bytes(tar_gzip_single_file("kubeconfig", *yaml));
    writer->Write(data);
    return Status::OK;
  }

  Status Events(ServerContext* context, const machine::EventsRequest* request,
                grpc::ServerWriter<machine::Event>* writer) override {
    std::shared_ptr<Node> node;
    if (auto st = check_and_route(context, "Events", &node); !st.ok()) return st;
    writer->Write(machine::Event{});  // the "hello" every Talos Events stream starts with
    size_t next = node->events_end();
    std::vector<machine::Event> replay;
    if (request->tail_events() != 0) replay = node->events_tail(request->tail_events());
    if (!request->tail_id().empty()) {
      auto all = node->events_tail(-1);
      bool after = false;
      for (auto& e : all) {
        if (after) replay.push_back(e);
        if (e.id() == request->tail_id()) after = true;
      }
    }
    auto send = [&](const machine::Event& e) {
      if (!request->with_actor_id().empty() && e.actor_id() != request->with_actor_id()) {
        return true;
      }
      return writer->Write(e);
    };
    for (const auto& e : replay) {
      if (!send(e)) return Status::OK;
    }
    while (!context->IsCancelled()) {
      node->wait_for_events(next, std::chrono::milliseconds(50));
      for (const auto& e : node->events_after(next, &next)) {
        if (!send(e)) return Status::OK;
      }
      if (!node->snapshot().powered) break;
    }
    return Status::OK;
  }

  Status GenerateClientConfiguration(ServerContext* context,
                                     const machine::GenerateClientConfigurationRequest* request,
                                     machine::GenerateClientConfigurationResponse* response) override {
    return unary(context, "GenerateClientConfiguration", *request, response,
                 [](Node& node, const auto& req, auto* resp) {
                   NodeSnapshot s = node.snapshot();
                   if (!s.control_plane()) {
                     return Status(StatusCode::FAILED_PRECONDITION,
                                   "client configuration can only be generated on control plane nodes");
                   }
                   const auto ttl = google::protobuf::util::TimeUtil::DurationToSeconds(req.crt_ttl());
                   if (ttl <= 0) return Status(StatusCode::INVALID_ARGUMENT, "crt_ttl must be positive");
                   std::vector<std::string> roles(req.roles().begin(), req.roles().end());
                   auto cert = issue_os_client_cert({s.config->os_ca_crt_pem, s.config->os_ca_key_pem},
                                                    roles, std::chrono::seconds(ttl));
                   if (!cert.ok()) return Status(StatusCode::INTERNAL, cert.error().message);
                   auto* m = resp->add_messages();
                   m->set_ca(s.config->os_ca_crt_pem);
                   m->set_crt(cert->cert_pem);
                   m->set_key(cert->key_pem);
                   return Status::OK;
                 });
  }

 private:
  static Status require_etcd(const NodeSnapshot& s) {
    if (!s.control_plane() || !s.cluster) {
      return {StatusCode::UNIMPLEMENTED, "etcd is only available on control plane nodes"};
    }
    return Status::OK;
  }

  Status check(ServerContext* context, std::string_view method) {
    if (!node_.lock()) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    Caller caller;
    if (auto st = identify_caller(*context, Personality::Configured, &caller); !st.ok()) return st;
    if (!role_allows(caller, method)) return not_authorized();
    return Status::OK;
  }

  // Streams: `node` is honoured; `nodes` fan-out is not emulated for streams.
  Status check_and_route(ServerContext* context, std::string_view method,
                         std::shared_ptr<Node>* target) {
    if (auto st = check(context, method); !st.ok()) return st;
    Route route;
    if (auto st = route_of(*context, &route); !st.ok()) return st;
    if (route.kind == Route::Local) {
      *target = node_.lock();
    } else if (route.kind == Route::One || route.targets.size() == 1) {
      *target = reachable_target(emulator_, route.targets.front());
      if (!*target) return unreachable_status(route.targets.front());
    } else {
      return {StatusCode::UNIMPLEMENTED, "the emulator does not fan streams out to several nodes"};
    }
    return *target ? Status::OK : Status(StatusCode::UNAVAILABLE, "node is shutting down");
  }

  Emulator& emulator_;
  std::weak_ptr<Node> node_;
};

}  // namespace

std::shared_ptr<Node> reachable_target(Emulator& emulator, const std::string& address) {
  auto node = emulator.find_node(address);
  if (!node) return nullptr;
  NodeSnapshot s = node->snapshot();
  if (!s.powered || s.faults.unreachable || s.personality != Personality::Configured) return nullptr;
  return node;
}

grpc::Status unreachable_status(const std::string& address) {
  return {StatusCode::UNAVAILABLE,
          "connection error: desc = \"transport: Error while dialing: dial tcp " + address +
              ":50000: connect: connection refused\""};
}

std::shared_ptr<grpc::Service> make_machine_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                    Personality personality) {
  if (personality == Personality::Maintenance) {
    return std::make_shared<MaintenanceMachineService>(emulator, std::move(node));
  }
  return std::make_shared<MachineService>(emulator, std::move(node));
}

}  // namespace talos_emu
