#include "emulators/talos/rpc_support.h"

#include <algorithm>
#include <map>

#include "emulators/talos/pki.h"

namespace talos_emu {
namespace {

constexpr char A[] = "os:admin";
constexpr char O[] = "os:operator";
constexpr char R[] = "os:reader";
constexpr char B[] = "os:etcd:backup";

const std::map<std::string_view, std::vector<std::string_view>>& role_table() {
  static const std::map<std::string_view, std::vector<std::string_view>> table = {
      {"Reboot", {A, O}},          {"Shutdown", {A, O}},         {"ServiceStart", {A, O}},
      {"ServiceStop", {A, O}},     {"ServiceRestart", {A, O}},   {"EtcdAlarmDisarm", {A, O}},
      {"EtcdDefragment", {A, O}},  {"EtcdSnapshot", {A, O, B}},  {"EtcdMemberList", {A, O, R, B}},
      {"EtcdStatus", {A, O, R, B}}, {"EtcdAlarmList", {A, O, R, B}}, {"Version", {A, O, R}},
      {"Hostname", {A, O, R}},     {"Memory", {A, O, R}},        {"Logs", {A, O, R}},
      {"Events", {A, O, R}},       {"LogsContainers", {A, O, R}}, {"ServiceList", {A, O, R}},
      {"Disks", {A, O, R}},        {"HealthCheck", {A, O, R}},   {"cosi.Get", {A, O, R}},
      {"cosi.List", {A, O, R}},    {"cosi.Watch", {A, O, R}},
  };
  return table;
}

}  // namespace

bool Caller::has(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

grpc::Status identify_caller(const grpc::ServerContext& context, Personality personality,
                             Caller* caller) {
  caller->roles.clear();
  if (personality == Personality::Maintenance) {
    caller->roles.push_back(R);
    return grpc::Status::OK;
  }
  auto auth = context.auth_context();
  if (!auth) return {grpc::StatusCode::UNAUTHENTICATED, "no client certificate"};
  const auto pems = auth->FindPropertyValues("x509_pem_cert");
  if (pems.empty()) return {grpc::StatusCode::UNAUTHENTICATED, "no client certificate"};
  auto info = read_cert_info(std::string(pems.front().data(), pems.front().size()));
  if (!info.ok()) return {grpc::StatusCode::UNAUTHENTICATED, "unreadable client certificate"};
  if (!info->has_ext_key_usage || !info->client_auth || info->ext_key_usage_count != 1) {
    return {grpc::StatusCode::UNAUTHENTICATED,
            "tls: client certificate must have ExtKeyUsage exactly [clientAuth]"};
  }
  caller->roles = info->organizations;
  return grpc::Status::OK;
}

bool role_allows(const Caller& caller, std::string_view method) {
  if (caller.has(A)) return true;
  auto it = role_table().find(method);
  if (it == role_table().end()) return false;
  return std::any_of(it->second.begin(), it->second.end(),
                     [&](std::string_view role) { return caller.has(role); });
}

grpc::Status not_authorized() { return {grpc::StatusCode::PERMISSION_DENIED, "not authorized"}; }

grpc::Status to_status(const RpcError& error) {
  return {static_cast<grpc::StatusCode>(error.code), error.message};
}

grpc::Status route_of(const grpc::ServerContext& context, Route* route) {
  const auto& metadata = context.client_metadata();
  auto [node_begin, node_end] = metadata.equal_range("node");
  auto [nodes_begin, nodes_end] = metadata.equal_range("nodes");
  route->targets.clear();
  if (node_begin != node_end) {
    if (std::distance(node_begin, node_end) > 1) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "node metadata must be single-valued"};
    }
    route->kind = Route::One;
    route->targets.emplace_back(node_begin->second.data(), node_begin->second.size());
    return grpc::Status::OK;
  }
  if (nodes_begin != nodes_end) {
    route->kind = Route::Many;
    for (auto it = nodes_begin; it != nodes_end; ++it) {
      // grpc-go joins repeated values; accept "a,b" as well as one value per entry.
      std::string value(it->second.data(), it->second.size());
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string item = value.substr(start, comma == std::string::npos ? std::string::npos
                                                                           : comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) route->targets.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    return grpc::Status::OK;
  }
  route->kind = Route::Local;
  return grpc::Status::OK;
}

}  // namespace talos_emu
