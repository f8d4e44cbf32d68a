// kube::Api over HTTP (JSON only, kubernetes.md §7). make_api is what the engine calls.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "kube/api.h"
#include "kube/curl_transport.h"
#include "kube/http.h"
#include "util/clock.h"

namespace kube {

// The Api over `transport`; `clock` paces drain's polls and retries and must outlive it.
std::unique_ptr<Api> make_http_api(std::unique_ptr<HttpTransport> transport, util::Clock& clock);

// The Api over libcurl for `connection` (InvalidInput as make_curl_transport).
util::Result<std::unique_ptr<Api>> make_api(Connection connection,
                                            util::Clock& clock = util::system_clock());

class HttpApi final : public Api {
 public:
  HttpApi(std::unique_ptr<HttpTransport> transport, util::Clock& clock)
      : transport_(std::move(transport)), clock_(clock) {}

  util::Result<std::vector<NodeInfo>> list_nodes() override;
  util::Result<NodeInfo> get_node(const std::string& name) override;
  util::Result<void> cordon(const std::string& name) override;
  util::Result<void> uncordon(const std::string& name) override;
  util::Result<void> cordon_for(const std::string& name, const std::string& reason) override;
  util::Result<void> uncordon_own(const std::string& name) override;
  util::Result<DrainSummary> drain(const std::string& name, const DrainOptions& options) override;
  util::Result<PodInfo> get_pod(const std::string& ns, const std::string& name) override;
  util::Result<std::map<std::string, std::string>> get_config_map(const std::string& ns,
                                                                  const std::string& name) override;
  util::Result<void> apply_object(const nlohmann::json& object,
                                  const std::string& field_manager) override;
  util::Result<void> delete_node(const std::string& name) override;
  util::Result<NodeInfo> wait_node_ready(const std::string& name,
                                         std::chrono::milliseconds timeout) override;

 private:
  // Sends and expects 2xx: the parsed JSON body, or the classified error.
  util::Result<nlohmann::json> call(const std::string& method, const std::string& path,
                                    const std::string& content_type = "",
                                    const std::string& body = "");
  util::Result<void> set_unschedulable(const std::string& name, bool unschedulable);
  // drain's steps (drain.cc).
  util::Result<void> evict(const std::string& node, const std::string& ns, const std::string& name,
                           const DrainOptions& options,
                           std::chrono::steady_clock::time_point deadline);
  util::Result<void> wait_pod_gone(const std::string& ns, const std::string& name,
                                   const std::string& uid, const DrainOptions& options,
                                   std::chrono::steady_clock::time_point deadline);
  // One watch of `name` until Ready or `limit` (wait_ready.cc): true once Ready. `last_seen`
  // keeps the node's latest state (reset when it is deleted), for the timeout message.
  util::Result<bool> watch_until_ready(const std::string& name, std::chrono::milliseconds limit,
                                       std::optional<NodeInfo>& last_seen);

  struct ResourceName {
    std::string plural;
    bool namespaced = false;
  };
  // apiVersion + kind → resource, from the group version's discovery document (cached).
  util::Result<ResourceName> resource_of(const std::string& api_version, const std::string& kind);

  std::unique_ptr<HttpTransport> transport_;
  util::Clock& clock_;
  std::map<std::string, std::map<std::string, ResourceName>> discovered_;  // by apiVersion
};

}  // namespace kube
