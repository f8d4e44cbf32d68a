// Discovery documents built from one resource catalogue, so every form agrees.
#include "emulators/kube/discovery.h"

#include <algorithm>
#include <set>

namespace kube_emu {
namespace {

using nlohmann::json;

const std::vector<std::string>& all_verbs() {
  static const std::vector<std::string> kVerbs = {"create", "delete", "deletecollection", "get",
                                                  "list",   "patch",  "update",           "watch"};
  return kVerbs;
}

std::string group_version(const std::string& group, const std::string& version) {
  return group.empty() ? version : group + "/" + version;
}

// Ordered group/version pairs as served, core first.
std::vector<std::pair<std::string, std::string>> group_versions() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ResourceInfo& r : resource_catalogue()) {
    const std::pair<std::string, std::string> gv{r.group, r.version};
    if (std::find(out.begin(), out.end(), gv) == out.end()) {
      out.push_back(gv);
    }
  }
  return out;
}

json subresource_kind(const ResourceInfo& r, const std::string& sub) {
  if (sub == "eviction") {
    return {{"group", "policy"}, {"version", "v1"}, {"kind", "Eviction"}};
  }
  return {{"group", r.group}, {"version", r.version}, {"kind", r.kind}};
}

json aggregated_resource(const ResourceInfo& r) {
  json out = {{"resource", r.resource},
              {"responseKind", {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
              {"scope", r.namespaced ? "Namespaced" : "Cluster"},
              {"singularResource", r.singular},
              {"verbs", all_verbs()}};
  if (!r.short_names.empty()) {
    out["shortNames"] = r.short_names;
  }
  if (!r.categories.empty()) {
    out["categories"] = r.categories;
  }
  for (const std::string& sub : r.subresources) {
    const json verbs =
        sub == "eviction" ? json::array({"create"}) : json::array({"get", "patch", "update"});
    out["subresources"].push_back(
        {{"subresource", sub}, {"responseKind", subresource_kind(r, sub)}, {"verbs", verbs}});
  }
  return out;
}

json legacy_resource(const ResourceInfo& r) {
  json out = {{"name", r.resource},
              {"singularName", r.singular},
              {"namespaced", r.namespaced},
              {"kind", r.kind},
              {"verbs", all_verbs()}};
  if (!r.short_names.empty()) {
    out["shortNames"] = r.short_names;
  }
  if (!r.categories.empty()) {
    out["categories"] = r.categories;
  }
  return out;
}

json legacy_subresource(const ResourceInfo& r, const std::string& sub) {
  json out = {{"name", r.resource + "/" + sub}, {"singularName", ""}, {"namespaced", r.namespaced}};
  if (sub == "eviction") {
    out["group"] = "policy";
    out["version"] = "v1";
    out["kind"] = "Eviction";
    out["verbs"] = {"create"};
  } else {
    out["kind"] = r.kind;
    out["verbs"] = {"get", "patch", "update"};
  }
  return out;
}

std::string openapi_path_key(const std::string& group, const std::string& version) {
  return group.empty() ? "api/" + version : "apis/" + group + "/" + version;
}

}  // namespace

const char* const kAggregatedDiscoveryContentType =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

const std::vector<ResourceInfo>& resource_catalogue() {
  static const std::vector<ResourceInfo> kCatalogue = {
      {"", "v1", "nodes", "Node", "node", false, {"no"}, {}, {"status"}},
      {"", "v1", "pods", "Pod", "pod", true, {"po"}, {"all"}, {"eviction", "status"}},
      {"", "v1", "namespaces", "Namespace", "namespace", false, {"ns"}, {}, {"status"}},
      {"", "v1", "configmaps", "ConfigMap", "configmap", true, {"cm"}, {}, {}},
      {"", "v1", "events", "Event", "event", true, {"ev"}, {}, {}},
      {"", "v1", "services", "Service", "service", true, {"svc"}, {"all"}, {"status"}},
      // What inline manifests carry (the Cilium install Job, talos.md §6): stored, never run.
      {"", "v1", "serviceaccounts", "ServiceAccount", "serviceaccount", true, {"sa"}, {}, {}},
      {"apps", "v1", "daemonsets", "DaemonSet", "daemonset", true, {"ds"}, {"all"}, {"status"}},
      {"apps",
       "v1",
       "deployments",
       "Deployment",
       "deployment",
       true,
       {"deploy"},
       {"all"},
       {"status"}},
      {"apps", "v1", "replicasets", "ReplicaSet", "replicaset", true, {"rs"}, {"all"}, {"status"}},
      {"batch", "v1", "jobs", "Job", "job", true, {}, {"all"}, {"status"}},
      {"rbac.authorization.k8s.io",
       "v1",
       "clusterrolebindings",
       "ClusterRoleBinding",
       "clusterrolebinding",
       false,
       {},
       {},
       {}},
      {"policy",
       "v1",
       "poddisruptionbudgets",
       "PodDisruptionBudget",
       "poddisruptionbudget",
       true,
       {"pdb"},
       {},
       {"status"}},
  };
  return kCatalogue;
}

const ResourceInfo* find_resource(const std::string& group, const std::string& version,
                                  const std::string& resource) {
  for (const ResourceInfo& r : resource_catalogue()) {
    if (r.group == group && r.version == version && r.resource == resource) {
      return &r;
    }
  }
  return nullptr;
}

const ResourceInfo* find_resource(const std::string& resource) {
  for (const ResourceInfo& r : resource_catalogue()) {
    if (r.resource == resource) {
      return &r;
    }
  }
  return nullptr;
}

bool serves_group_version(const std::string& group, const std::string& version) {
  for (const auto& gv : group_versions()) {
    if (gv.first == group && gv.second == version) {
      return true;
    }
  }
  return false;
}

json aggregated_discovery(bool core_group) {
  json items = json::array();
  for (const auto& [group, version] : group_versions()) {
    if (group.empty() != core_group) {
      continue;
    }
    json resources = json::array();
    for (const ResourceInfo& r : resource_catalogue()) {
      if (r.group == group && r.version == version) {
        resources.push_back(aggregated_resource(r));
      }
    }
    items.push_back(
        {{"metadata", {{"name", group}}},
         {"versions",
          {{{"version", version}, {"freshness", "Current"}, {"resources", resources}}}}});
  }
  return {{"kind", "APIGroupDiscoveryList"},
          {"apiVersion", "apidiscovery.k8s.io/v2"},
          {"metadata", json::object()},
          {"items", items}};
}

json api_versions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

json api_group(const std::string& group) {
  json versions = json::array();
  for (const auto& [g, version] : group_versions()) {
    if (g == group) {
      versions.push_back({{"groupVersion", group_version(g, version)}, {"version", version}});
    }
  }
  if (versions.empty()) {
    return nullptr;
  }
  return {{"kind", "APIGroup"},
          {"apiVersion", "v1"},
          {"name", group},
          {"versions", versions},
          {"preferredVersion", versions[0]}};
}

json api_group_list() {
  json groups = json::array();
  std::set<std::string> seen;
  for (const auto& gv : group_versions()) {
    if (!gv.first.empty() && seen.insert(gv.first).second) {
      json g = api_group(gv.first);
      g.erase("kind");
      g.erase("apiVersion");
      groups.push_back(g);
    }
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

json api_resource_list(const std::string& group, const std::string& version) {
  if (!serves_group_version(group, version)) {
    return nullptr;
  }
  json resources = json::array();
  for (const ResourceInfo& r : resource_catalogue()) {
    if (r.group != group || r.version != version) {
      continue;
    }
    resources.push_back(legacy_resource(r));
    for (const std::string& sub : r.subresources) {
      resources.push_back(legacy_subresource(r, sub));
    }
  }
  return {{"kind", "APIResourceList"},
          {"apiVersion", "v1"},
          {"groupVersion", group_version(group, version)},
          {"resources", resources}};
}

json openapi_v3_root() {
  json paths = json::object();
  int n = 0;
  for (const auto& [group, version] : group_versions()) {
    const std::string key = openapi_path_key(group, version);
    // A stable fake content hash per document; kubectl only echoes it back.
    paths[key] = {{"serverRelativeURL",
                   "/openapi/v3/" + key + "?hash=" + std::string(16, "0123456789ABCDEF"[n++])}};
  }
  return {{"paths", paths}};
}

// Only PATCH operations declaring `fieldValidation`: that is what lets kubectl leave validation
// to the server instead of needing schemas (kubernetes.md §5 apply).
json openapi_v3_document(const std::string& group_version_path,
                         const std::string& kubernetes_version) {
  json paths = json::object();
  bool known = false;
  for (const ResourceInfo& r : resource_catalogue()) {
    if (openapi_path_key(r.group, r.version) != group_version_path) {
      continue;
    }
    known = true;
    const std::string prefix = "/" + group_version_path;
    const std::string path = r.namespaced
                                 ? prefix + "/namespaces/{namespace}/" + r.resource + "/{name}"
                                 : prefix + "/" + r.resource + "/{name}";
    paths[path] = {
        {"patch",
         {{"x-kubernetes-group-version-kind",
           {{"group", r.group}, {"version", r.version}, {"kind", r.kind}}},
          {"parameters",
           {{{"name", "fieldValidation"}, {"in", "query"}, {"schema", {{"type", "string"}}}}}}}}};
  }
  if (!known) {
    return nullptr;
  }
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", kubernetes_version}}},
          {"paths", paths}};
}

}  // namespace kube_emu
