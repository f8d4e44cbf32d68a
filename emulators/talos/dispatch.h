// Unary call dispatch shared by the services: identify the caller, check the role, then run the
// handler on this node, on the `node` target, or on every `nodes` target with apid's reply
// envelope (metadata.hostname = the target as named; failures embedded, §1.5).
#pragma once

#include <string>
#include <string_view>

#include "google/rpc/status.pb.h"
#include "emulators/talos/emulator.h"
#include "emulators/talos/rpc_support.h"

namespace talos_emu {

// The node a proxied call goes to, or nullptr when apid could not reach it.
std::shared_ptr<Node> reachable_target(Emulator& emulator, const std::string& address);

grpc::Status unreachable_status(const std::string& address);

template <typename Req, typename Resp, typename Handler>
grpc::Status dispatch_unary(Emulator& emulator, const std::shared_ptr<Node>& self,
                            Personality personality, const grpc::ServerContext& context,
                            std::string_view method, const Req& request, Resp* response,
                            Handler&& handler) {
  if (!self) return {grpc::StatusCode::UNAVAILABLE, "node is shutting down"};
  Caller caller;
  if (auto s = identify_caller(context, personality, &caller); !s.ok()) return s;
  if (!role_allows(caller, method)) return not_authorized();
  Route route;
  if (auto s = route_of(context, &route); !s.ok()) return s;
  if (personality == Personality::Maintenance || route.kind == Route::Local) {
    return handler(*self, request, response);
  }
  if (route.kind == Route::One) {
    auto target = reachable_target(emulator, route.targets.front());
    if (!target) return unreachable_status(route.targets.front());
    return handler(*target, request, response);
  }
  for (const std::string& address : route.targets) {
    Resp part;
    auto target = reachable_target(emulator, address);
    grpc::Status status = target ? handler(*target, request, &part) : unreachable_status(address);
    if (status.ok()) {
      for (auto& message : *part.mutable_messages()) {
        message.mutable_metadata()->set_hostname(address);
        *response->add_messages() = std::move(message);
      }
    } else {
      auto* metadata = response->add_messages()->mutable_metadata();
      metadata->set_hostname(address);
      metadata->set_error(status.error_message());
      metadata->mutable_status()->set_code(static_cast<int>(status.error_code()));
      metadata->mutable_status()->set_message(status.error_message());
    }
  }
  return grpc::Status::OK;
}

}  // namespace talos_emu
