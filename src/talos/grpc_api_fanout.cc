// GrpcApi one-to-many reads (talos.md §1.5): one call with `nodes` metadata; apid concatenates the
// nodes' envelopes and replaces a failed node's reply with one carrying only metadata.error.
#include <fmt/format.h>
#include <google/protobuf/empty.pb.h>

#include "talos/grpc_api_impl.h"
#include "talos/grpc_convert.h"

namespace talos {
namespace {

// Pairs each requested node with its element (matched by metadata.hostname, which apid sets to
// the address as we named it) and converts it; a node without an element is a failure too.
template <typename T, typename Reply, typename Convert>
std::vector<NodeResult<T>> per_node(const Reply& reply, const std::vector<std::string>& nodes,
                                    const CallSite& site, Convert convert) {
  std::vector<NodeResult<T>> out;
  for (const std::string& node : nodes) {
    CallSite on_node = site;
    on_node.node = node;
    const auto* element = [&]() -> const decltype(&reply.messages(0)) {
      for (const auto& m : reply.messages()) {
        if (m.metadata().hostname() == node) {
          return &m;
        }
      }
      return nullptr;
    }();
    if (element == nullptr) {
      out.push_back(
          {node, util::Error::internal(fmt::format("{} reply through {} has no answer for node {}",
                                                   site.method, site.endpoint, node))});
      continue;
    }
    if (util::Result<void> ok = check_metadata(element->metadata(), on_node); !ok.ok()) {
      out.push_back({node, std::move(ok).error()});
      continue;
    }
    out.push_back({node, convert(*element)});
  }
  return out;
}

util::Result<void> require_nodes(const std::vector<std::string>& nodes, const char* method) {
  if (nodes.empty()) {
    return util::Error::invalid_input(fmt::format("{} fan-out needs at least one node", method));
  }
  return {};
}

}  // namespace

util::Result<std::vector<NodeResult<VersionInfo>>> GrpcApi::version_on(
    const std::vector<std::string>& nodes) {
  RETURN_IF_ERROR(require_nodes(nodes, "Version"));
  ::machine::VersionResponse reply;
  RETURN_IF_ERROR(call(
      "Version", Idempotent::Yes,
      [&](grpc::ClientContext& context) {
        return machine_->Version(&context, google::protobuf::Empty(), &reply);
      },
      nodes));
  return per_node<VersionInfo>(reply, nodes, site("Version"),
                               [](const ::machine::Version& v) { return from_proto(v); });
}

util::Result<std::vector<NodeResult<std::vector<ServiceInfo>>>> GrpcApi::service_list_on(
    const std::vector<std::string>& nodes) {
  RETURN_IF_ERROR(require_nodes(nodes, "ServiceList"));
  ::machine::ServiceListResponse reply;
  RETURN_IF_ERROR(call(
      "ServiceList", Idempotent::Yes,
      [&](grpc::ClientContext& context) {
        return machine_->ServiceList(&context, google::protobuf::Empty(), &reply);
      },
      nodes));
  return per_node<std::vector<ServiceInfo>>(reply, nodes, site("ServiceList"),
                                            [](const ::machine::ServiceList& list) {
                                              std::vector<ServiceInfo> services;
                                              for (const auto& s : list.services()) {
                                                services.push_back(from_proto(s));
                                              }
                                              return services;
                                            });
}

}  // namespace talos
