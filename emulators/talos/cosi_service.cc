// cosi.resource.State (talos.md §2.5): Get/List/Watch, read-only, per-type role checks.
#include <map>
#include <mutex>
#include <regex>

#include "cosi/state.grpc.pb.h"
#include "emulators/talos/cosi_resources.h"
#include "emulators/talos/dispatch.h"
#include "emulators/talos/services.h"

namespace talos_emu {
namespace {

using grpc::ServerContext;
using grpc::Status;
using grpc::StatusCode;
using cosi::resource::Resource;

class CosiService final : public cosi::resource::State::Service {
 public:
  CosiService(Emulator& emulator, std::weak_ptr<Node> node, Personality personality)
      : emulator_(emulator), node_(std::move(node)), personality_(personality) {}

  Status Get(ServerContext* context, const cosi::resource::GetRequest* request,
             cosi::resource::GetResponse* response) override {
    std::shared_ptr<Node> target;
    if (auto st = admit(context, "cosi.Get", request->namespace_(), request->type(), &target);
        !st.ok()) {
      return st;
    }
    for (auto& r : resources(*target, request->namespace_(), request->type())) {
      if (r.metadata().id() == request->id()) {
        *response->mutable_resource() = std::move(r);
        return Status::OK;
      }
    }
    return {StatusCode::NOT_FOUND, "resource " + request->type() + "(" + request->namespace_() +
                                       "/" + request->id() + "@undefined) doesn't exist"};
  }

  Status List(ServerContext* context, const cosi::resource::ListRequest* request,
              grpc::ServerWriter<cosi::resource::ListResponse>* writer) override {
    std::shared_ptr<Node> target;
    if (auto st = admit(context, "cosi.List", request->namespace_(), request->type(), &target);
        !st.ok()) {
      return st;
    }
    std::optional<std::regex> id_filter;
    if (!request->options().id_query().regexp().empty()) {
      try {
        id_filter.emplace(request->options().id_query().regexp());
      } catch (const std::regex_error&) {
        return {StatusCode::INVALID_ARGUMENT, "invalid id_query regexp"};
      }
    }
    for (auto& r : resources(*target, request->namespace_(), request->type())) {
      if (id_filter && !std::regex_search(r.metadata().id(), *id_filter)) continue;
      cosi::resource::ListResponse item;
      *item.mutable_resource() = std::move(r);
      if (!writer->Write(item)) break;
    }
    return Status::OK;
  }

  Status Watch(ServerContext* context, const cosi::resource::WatchRequest* request,
               grpc::ServerWriter<cosi::resource::WatchResponse>* writer) override {
    std::shared_ptr<Node> target;
    if (auto st = admit(context, "cosi.Watch", request->namespace_(), request->type(), &target);
        !st.ok()) {
      return st;
    }
    writer->Write(cosi::resource::WatchResponse{});  // "watch established"
    const bool single = request->has_id();
    std::map<std::string, Resource> seen;
    auto current = [&] {
      std::map<std::string, Resource> now;
      for (auto& r : resources(*target, request->namespace_(), request->type())) {
        if (single && r.metadata().id() != request->id()) continue;
        now[r.metadata().id()] = std::move(r);
      }
      return now;
    };
    auto send = [&](cosi::resource::EventType type, const Resource& r) {
      cosi::resource::WatchResponse response;
      auto* e = response.add_event();
      e->set_event_type(type);
      *e->mutable_resource() = r;
      return writer->Write(response);
    };
    auto initial = current();
    if (single) {
      if (initial.empty()) {
        Resource tombstone;
        tombstone.mutable_metadata()->set_namespace_(request->namespace_());
        tombstone.mutable_metadata()->set_type(request->type());
        tombstone.mutable_metadata()->set_id(request->id());
        if (!send(cosi::resource::DESTROYED, tombstone)) return Status::OK;
      } else if (!send(cosi::resource::CREATED, initial.begin()->second)) {
        return Status::OK;
      }
    } else if (request->options().bootstrap_contents()) {
      for (const auto& [id, r] : initial) {
        if (!send(cosi::resource::CREATED, r)) return Status::OK;
      }
      if (request->api_version() >= 1) {
        cosi::resource::WatchResponse response;
        response.add_event()->set_event_type(cosi::resource::BOOTSTRAPPED);
        if (!writer->Write(response)) return Status::OK;
      }
    }
    seen = std::move(initial);
    while (!context->IsCancelled()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto self = node_.lock();
      if (!self || !self->snapshot().powered) break;
      auto now = current();
      for (const auto& [id, r] : now) {
        auto it = seen.find(id);
        if (it == seen.end()) {
          if (!send(cosi::resource::CREATED, r)) return Status::OK;
        } else if (it->second.metadata().version() != r.metadata().version()) {
          if (!send(cosi::resource::UPDATED, r)) return Status::OK;
        }
      }
      for (const auto& [id, r] : seen) {
        if (!now.count(id) && !send(cosi::resource::DESTROYED, r)) return Status::OK;
      }
      seen = std::move(now);
    }
    return Status::OK;
  }

 private:
  Status admit(ServerContext* context, std::string_view method, const std::string& ns,
               const std::string& type, std::shared_ptr<Node>* target) {
    auto self = node_.lock();
    if (!self) return {StatusCode::UNAVAILABLE, "node is shutting down"};
    Caller caller;
    if (auto st = identify_caller(*context, personality_, &caller); !st.ok()) return st;
    if (!role_allows(caller, method)) return not_authorized();
    const ResourceType* t = find_resource_type(type);
    if (!t || (personality_ == Personality::Maintenance && !t->in_maintenance)) {
      return {StatusCode::PERMISSION_DENIED, "resource type " + type + " is not supported"};
    }
    if (!known_namespace(ns)) {
      return {StatusCode::PERMISSION_DENIED, "namespace " + ns + " is not supported"};
    }
    if (t->sensitive && !caller.has("os:admin")) return not_authorized();
    Route route;
    if (auto st = route_of(*context, &route); !st.ok()) return st;
    if (personality_ == Personality::Maintenance || route.kind == Route::Local) {
      *target = self;
      return Status::OK;
    }
    if (route.kind == Route::Many) {
      return {StatusCode::INVALID_ARGUMENT,
              "one-2-many proxying is not supported for COSI methods"};
    }
    *target = reachable_target(emulator_, route.targets.front());
    if (!*target) return unreachable_status(route.targets.front());
    return Status::OK;
  }

  // Resources with a metadata.version that increments whenever the spec changes.
  std::vector<Resource> resources(Node& node, const std::string& ns, const std::string& type) {
    auto list = node_resources(emulator_, node.snapshot(), ns, type);
    std::lock_guard lock(mu_);
    for (Resource& r : list) {
      const std::string key = node.address() + "/" + ns + "/" + type + "/" + r.metadata().id();
      auto& [spec, version] = versions_[key];
      if (spec != r.spec().proto_spec() || version == 0) {
        spec = r.spec().proto_spec();
        ++version;
      }
      r.mutable_metadata()->set_version(std::to_string(version));
    }
    return list;
  }

  Emulator& emulator_;
  std::weak_ptr<Node> node_;
  Personality personality_;
  std::mutex mu_;
  std::map<std::string, std::pair<std::string, uint64_t>> versions_;
};

}  // namespace

std::shared_ptr<grpc::Service> make_cosi_service(Emulator& emulator, std::weak_ptr<Node> node,
                                                 Personality personality) {
  return std::make_shared<CosiService>(emulator, std::move(node), personality);
}

}  // namespace talos_emu
