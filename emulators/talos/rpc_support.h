// What every gRPC handler of the emulator needs: who is calling (roles from the client cert,
// talos.md §1.3), whether the role may call the method, and `node`/`nodes` routing (§1.5).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include "emulators/talos/node.h"

namespace talos_emu {

struct Caller {
  std::vector<std::string> roles;
  bool has(std::string_view role) const;
};

// Configured personality: the roles (Subject O) of the verified client cert; a cert whose EKU is
// not exactly clientAuth is refused (apidCheckExtKeyUsage). Maintenance: os:reader for everyone.
grpc::Status identify_caller(const grpc::ServerContext& context, Personality personality,
                             Caller* caller);

// §1.3 role table; methods missing from it are admin-only. `method` is the short name
// ("ApplyConfiguration", "cosi.Get", "HealthCheck", …).
bool role_allows(const Caller& caller, std::string_view method);

grpc::Status not_authorized();
grpc::Status to_status(const RpcError& error);

// Where a call goes (§1.5): the node itself, one `node`, or every `nodes` value.
struct Route {
  enum Kind { Local, One, Many } kind = Local;
  std::vector<std::string> targets;
};
grpc::Status route_of(const grpc::ServerContext& context, Route* route);

}  // namespace talos_emu
