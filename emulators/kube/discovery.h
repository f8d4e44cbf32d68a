// The resources this API server serves, and the discovery and OpenAPI documents kubectl reads
// before a command (kubernetes.md §3, §5 apply).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kube_emu {

struct ResourceInfo {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;  // plural, e.g. "nodes"
  std::string kind;
  std::string singular;
  bool namespaced = false;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> subresources;  // "status", "eviction"
};

const std::vector<ResourceInfo>& resource_catalogue();
// nullptr when `group/version` does not serve `resource`.
const ResourceInfo* find_resource(const std::string& group, const std::string& version,
                                  const std::string& resource);
// nullptr for an unknown plural name (resources are unique across groups here).
const ResourceInfo* find_resource(const std::string& resource);
bool serves_group_version(const std::string& group, const std::string& version);

// Content-Type kubectl requires on aggregated discovery replies.
extern const char* const kAggregatedDiscoveryContentType;

nlohmann::json aggregated_discovery(bool core_group);            // /api (true) or /apis (false)
nlohmann::json api_versions(const std::string& server_address);  // legacy /api
nlohmann::json api_group_list();                                 // legacy /apis
nlohmann::json api_group(const std::string& group);              // /apis/<group>
nlohmann::json api_resource_list(const std::string& group, const std::string& version);
nlohmann::json openapi_v3_root();
// The v3 document of one group version ("api/v1", "apis/apps/v1"); null when unknown.
nlohmann::json openapi_v3_document(const std::string& group_version_path,
                                   const std::string& kubernetes_version);

}  // namespace kube_emu
