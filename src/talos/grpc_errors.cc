// Status → Error. Messages name the call and the node; hints say what the operator can do.
#include "talos/grpc_errors.h"

#include <fmt/format.h>

namespace talos {
namespace {

bool contains(const std::string& text, const char* part) {
  return text.find(part) != std::string::npos;
}

std::string roles_text(const std::vector<std::string>& roles) {
  return roles.empty() ? std::string("no role") : fmt::format("{}", fmt::join(roles, ", "));
}

util::Error permission_denied(const grpc::Status& status, const CallSite& site) {
  const std::string needs = required_roles(site.method);
  std::string message =
      fmt::format("{} refused by {}: {}", site.method, site.target(), status.error_message());
  if (site.mode == ConnectMode::Secure) {
    message += fmt::format("; needs {}; the client certificate has {}", needs,
                           roles_text(site.client_roles));
  }
  return util::Error{util::ErrorCode::PermissionDenied, std::move(message)}.with_hint(
      "use a talosconfig whose client certificate carries the role (`talforge talosconfig "
      "--role os:admin`)");
}

util::Error unavailable(const grpc::Status& status, const CallSite& site) {
  const std::string& detail = status.error_message();
  if (is_tls_failure(status)) {
    return util::Error::unavailable(fmt::format("TLS handshake with {} failed during {}: {}",
                                                site.endpoint, site.method, detail))
        .with_hint(site.mode == ConnectMode::Secure
                       ? "the server certificate is not signed by the talosconfig's CA (wrong "
                         "cluster?), or the node is in maintenance mode or rejects our client "
                         "certificate"
                       : "the node's key does not match the pinned fingerprint, or the node is "
                         "configured and needs the mTLS talosconfig");
  }
  // "failed to connect" comes from our own transport: the endpoint itself is down, whatever node
  // it was meant to proxy to. Otherwise apid answered Unavailable for the node behind it.
  if (site.node.empty() || contains(detail, "failed to connect")) {
    const std::string via =
        site.node.empty() ? "" : fmt::format(" (endpoint for node {})", site.node);
    return util::Error::unavailable(fmt::format("{}{} unreachable during {}: {}", site.endpoint,
                                                via, site.method, detail))
        .with_hint(
            fmt::format("check that {} is powered on and its port is reachable", site.endpoint));
  }
  return util::Error::unavailable(
             fmt::format("{} unreachable during {}: {}", site.target(), site.method, detail))
      .with_hint(
          fmt::format("check that node {} is up and reachable from {}", site.node, site.endpoint));
}

util::Error unimplemented(const grpc::Status& status, const CallSite& site) {
  const std::string& detail = status.error_message();
  // gRPC's own words when a unary reply arrived but did not parse as the reply message.
  if (contains(detail, "No message returned for unary request")) {
    return util::Error::internal(
               fmt::format("{} on {}: the reply could not be parsed (truncated or "
                           "not a {} reply)",
                           site.method, site.target(), site.method))
        .with_hint("the endpoint may not be a Talos apid, or speaks an incompatible API version");
  }
  if (site.mode == ConnectMode::Maintenance || contains(detail, "maintenance mode")) {
    return util::Error::conflict(fmt::format("{} is in maintenance mode: {} is not available ({})",
                                             site.target(), site.method, detail))
        .with_hint("apply a machine configuration first");
  }
  if (contains(detail, "control plane")) {
    return util::Error::conflict(fmt::format("{} on {}: {}", site.method, site.target(), detail))
        .with_hint("send this call to a control-plane node");
  }
  return util::Error::conflict(
             fmt::format("{} is not implemented by {}: {}", site.method, site.target(), detail))
      .with_hint("the node's Talos version may be too old for this call");
}

util::Error failed_precondition(const grpc::Status& status, const CallSite& site) {
  std::string message =
      fmt::format("{} on {}: {}", site.method, site.target(), status.error_message());
  // "bootstrap is not available yet", "time is not in sync yet": the node is still getting there.
  if (contains(status.error_message(), "yet")) {
    return util::Error::unavailable(std::move(message));
  }
  return util::Error::conflict(std::move(message));
}

}  // namespace

bool is_tls_failure(const grpc::Status& status) {
  const std::string& detail = status.error_message();
  return status.error_code() == grpc::StatusCode::UNAVAILABLE &&
         (contains(detail, "CERTIFICATE_VERIFY_FAILED") || contains(detail, "certificate verify") ||
          contains(detail, "Handshake failed") || contains(detail, "handshake failed") ||
          contains(detail, "fingerprint"));
}

std::string CallSite::target() const {
  return node.empty() ? endpoint : fmt::format("node {} via {}", node, endpoint);
}

std::string required_roles(const std::string& method) {
  if (method == "Version" || method == "ServiceList" || method == "Disks" || method == "Memory" ||
      method == "Hostname" || method == "Get" || method == "List" || method == "Watch") {
    return "os:reader, os:operator or os:admin";
  }
  if (method == "EtcdMemberList" || method == "EtcdStatus") {
    return "os:reader, os:etcd:backup, os:operator or os:admin";
  }
  if (method == "Reboot" || method == "Shutdown") {
    return "os:operator or os:admin";
  }
  return "os:admin";  // Talos: methods missing from the role table are admin-only
}

util::Error status_error(const grpc::Status& status, const CallSite& site) {
  const std::string where = fmt::format("{} on {}", site.method, site.target());
  const std::string& detail = status.error_message();
  switch (status.error_code()) {
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
      return permission_denied(status, site);
    case grpc::StatusCode::UNAVAILABLE:
      return unavailable(status, site);
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      // A node that gave up waiting itself (HealthCheck's wait_timeout) says on what; gRPC's
      // own client-side deadline says only "Deadline Exceeded".
      if (!detail.empty() && detail != "Deadline Exceeded") {
        return util::Error::timeout(fmt::format("{} timed out on the node: {}", where, detail))
            .with_hint("the node may be busy or rebooting; retry, or wait longer");
      }
      return util::Error::timeout(
                 fmt::format("{} got no answer within {} ms", where, site.timeout.count()))
          .with_hint("the node may be busy or rebooting; retry, or raise the call timeout");
    case grpc::StatusCode::UNIMPLEMENTED:
      return unimplemented(status, site);
    case grpc::StatusCode::INVALID_ARGUMENT:
      return util::Error::invalid_input(fmt::format("{} rejected: {}", where, detail));
    case grpc::StatusCode::ALREADY_EXISTS:
      return util::Error::already_exists(detail).with_context(where);  // Talos's words, as is
    case grpc::StatusCode::NOT_FOUND:
      return util::Error::not_found(fmt::format("{}: {}", where, detail));
    case grpc::StatusCode::FAILED_PRECONDITION:
      return failed_precondition(status, site);
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return util::Error::internal(fmt::format("{}: reply refused: {}", where, detail))
          .with_hint("Talos replies are at most 32 MiB; the node sent more");
    default:
      // Plain Go errors arrive as Unknown, e.g. maintenance mode's "failed to parse config: …".
      if (contains(detail, "failed to parse config")) {
        return util::Error::invalid_input(fmt::format("{} rejected: {}", where, detail));
      }
      return util::Error::internal(
          fmt::format("{} failed ({}): {}", where, static_cast<int>(status.error_code()), detail));
  }
}

util::Result<void> check_metadata(const common::Metadata& metadata, const CallSite& site) {
  if (metadata.error().empty()) {
    return {};
  }
  CallSite on_node = site;
  on_node.node = metadata.hostname().empty() ? site.node : metadata.hostname();
  const auto code = metadata.has_status() && metadata.status().code() != 0
                        ? static_cast<grpc::StatusCode>(metadata.status().code())
                        : grpc::StatusCode::UNKNOWN;
  // on_node.target() puts the failed node's name into the message.
  return status_error(grpc::Status(code, metadata.error()), on_node);
}

}  // namespace talos
