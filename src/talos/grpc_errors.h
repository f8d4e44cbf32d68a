// Turning gRPC statuses and apid's per-node embedded errors into util::Error values that say which
// call failed on which node and what to do next. Internal to the gRPC client.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <grpcpp/support/status.h>

#include "common/common.pb.h"
#include "talos/api.h"
#include "util/result.h"

namespace talos {

// Where a call went, for messages.
struct CallSite {
  std::string method;    // short name, e.g. "ApplyConfiguration"
  std::string endpoint;  // host:port dialled
  std::string node;      // `node` metadata, empty when the endpoint executes the call
  ConnectMode mode = ConnectMode::Secure;
  std::vector<std::string> client_roles;  // O values of our client cert; empty in maintenance
  std::chrono::milliseconds timeout{0};

  // "node 10.0.0.5 via 10.0.0.1:50000" or "10.0.0.1:50000".
  std::string target() const;
};

// Roles that may call `method` (talos.md §1.3), e.g. "os:admin" or "os:reader, os:operator or
// os:admin".
std::string required_roles(const std::string& method);

// gRPC reports a failed TLS handshake (untrusted server, wrong pin, refused client cert) as
// Unavailable; unlike an unreachable node it does not heal by retrying.
bool is_tls_failure(const grpc::Status& status);

// Never called with an OK status.
util::Error status_error(const grpc::Status& status, const CallSite& site);

// apid's replacement reply for a node that failed (§1.5): a non-empty metadata.error becomes an
// error naming metadata.hostname, coded from metadata.status when present.
util::Result<void> check_metadata(const common::Metadata& metadata, const CallSite& site);

// Checks every element of a `repeated Xxx messages = 1` reply and that there is at least one.
template <typename Reply>
util::Result<void> check_envelope(const Reply& reply, const CallSite& site) {
  for (const auto& message : reply.messages()) {
    RETURN_IF_ERROR(check_metadata(message.metadata(), site));
  }
  if (reply.messages_size() == 0) {
    return util::Error::internal(site.method + " reply carries no message")
        .with_context(site.target());
  }
  return {};
}

}  // namespace talos
