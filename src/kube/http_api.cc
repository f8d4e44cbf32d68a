// kube::HttpApi: nodes, cordon/uncordon, delete. Drain lives in drain.cc, the readiness watch in
// wait_ready.cc, server-side apply in apply_object.cc.
#include "kube/http_api.h"

#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kube/node_info.h"
#include "kube/status_error.h"

namespace kube {

using util::Error;
using util::Result;

Result<nlohmann::json> HttpApi::call(const std::string& method, const std::string& path,
                                     const std::string& content_type, const std::string& body) {
  const HttpRequest request{method, path, content_type, body};
  const auto started = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(HttpResponse response, transport_->send(request));
  spdlog::debug("kube.call method={} path={} status={} took_ms={}", method, path, response.status,
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  if (response.status < 200 || response.status >= 300) {
    return status_error(request, response, transport_->server());
  }
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) {
    return Error::internal(
        fmt::format("{} {}: the Kubernetes API at {} answered HTTP {} with a body that is not "
                    "JSON",
                    method, path, transport_->server(), response.status));
  }
  return parsed;
}

Result<std::vector<NodeInfo>> HttpApi::list_nodes() {
  ASSIGN_OR_RETURN(nlohmann::json list, call("GET", "/api/v1/nodes"));
  std::vector<NodeInfo> nodes;
  if (list.contains("items") && list["items"].is_array()) {
    for (const nlohmann::json& item : list["items"]) {
      nodes.push_back(node_info_from_json(item));
    }
  }
  std::sort(nodes.begin(), nodes.end(),
            [](const NodeInfo& a, const NodeInfo& b) { return a.name < b.name; });
  return nodes;
}

Result<NodeInfo> HttpApi::get_node(const std::string& name) {
  ASSIGN_OR_RETURN(nlohmann::json node, call("GET", "/api/v1/nodes/" + url_encode(name)));
  return node_info_from_json(node);
}

Result<PodInfo> HttpApi::get_pod(const std::string& ns, const std::string& name) {
  ASSIGN_OR_RETURN(nlohmann::json pod, call("GET", fmt::format("/api/v1/namespaces/{}/pods/{}",
                                                               url_encode(ns), url_encode(name))));
  return pod_info_from_json(pod);
}

Result<std::map<std::string, std::string>> HttpApi::get_config_map(const std::string& ns,
                                                                  const std::string& name) {
  ASSIGN_OR_RETURN(nlohmann::json map, call("GET", fmt::format("/api/v1/namespaces/{}/configmaps/{}",
                                                               url_encode(ns), url_encode(name))));
  std::map<std::string, std::string> data;
  const nlohmann::json fields = map.value("data", nlohmann::json::object());
  for (const auto& [key, value] : fields.items()) {
    if (value.is_string()) {
      data[key] = value.get<std::string>();
    }
  }
  return data;
}

Result<void> HttpApi::set_unschedulable(const std::string& name, bool unschedulable) {
  ASSIGN_OR_RETURN(NodeInfo node, get_node(name));
  if (node.unschedulable == unschedulable) {
    return {};
  }
  // As kubectl: uncordon sends null, which deletes the field rather than writing false.
  const nlohmann::json patch = {
      {"spec", {{"unschedulable", unschedulable ? nlohmann::json(true) : nlohmann::json()}}}};
  RETURN_IF_ERROR(call("PATCH", "/api/v1/nodes/" + url_encode(name),
                       "application/strategic-merge-patch+json", patch.dump()));
  spdlog::info("kube.{} node={}", unschedulable ? "cordon" : "uncordon", name);
  return {};
}

Result<void> HttpApi::cordon(const std::string& name) {
  return set_unschedulable(name, true);
}

Result<void> HttpApi::uncordon(const std::string& name) {
  return set_unschedulable(name, false);
}

Result<void> HttpApi::cordon_for(const std::string& name, const std::string& reason) {
  const nlohmann::json patch = {
      {"metadata", {{"annotations", {{kCordonedForAnnotation, reason}}}}},
      {"spec", {{"unschedulable", true}}}};
  RETURN_IF_ERROR(call("PATCH", "/api/v1/nodes/" + url_encode(name),
                       "application/strategic-merge-patch+json", patch.dump()));
  spdlog::info("kube.cordon node={} for={}", name, reason);
  return {};
}

Result<void> HttpApi::uncordon_own(const std::string& name) {
  const nlohmann::json patch = {
      {"metadata", {{"annotations", {{kCordonedForAnnotation, nullptr}}}}},
      {"spec", {{"unschedulable", nullptr}}}};
  RETURN_IF_ERROR(call("PATCH", "/api/v1/nodes/" + url_encode(name),
                       "application/strategic-merge-patch+json", patch.dump()));
  spdlog::info("kube.uncordon node={}", name);
  return {};
}

Result<void> HttpApi::delete_node(const std::string& name) {
  const nlohmann::json options = {{"propagationPolicy", "Background"}};
  RETURN_IF_ERROR(
      call("DELETE", "/api/v1/nodes/" + url_encode(name), "application/json", options.dump()));
  spdlog::info("kube.delete_node node={}", name);
  return {};
}

std::unique_ptr<Api> make_http_api(std::unique_ptr<HttpTransport> transport, util::Clock& clock) {
  return std::make_unique<HttpApi>(std::move(transport), clock);
}

Result<std::unique_ptr<Api>> make_api(Connection connection, util::Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<HttpTransport> transport,
                   make_curl_transport(std::move(connection)));
  return make_http_api(std::move(transport), clock);
}

}  // namespace kube
