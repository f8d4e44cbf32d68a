// kube::HttpApi::apply_object: server-side apply of one manifest object (kubernetes.md §5).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kube/http_api.h"

namespace kube {

using util::Error;
using util::Result;

Result<HttpApi::ResourceName> HttpApi::resource_of(const std::string& api_version,
                                                   const std::string& kind) {
  auto known = discovered_.find(api_version);
  if (known == discovered_.end()) {
    const std::string path =
        api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
    ASSIGN_OR_RETURN(nlohmann::json list, call("GET", path));
    std::map<std::string, ResourceName> kinds;
    for (const nlohmann::json& r : list.value("resources", nlohmann::json::array())) {
      const std::string name = r.value("name", "");
      if (!name.empty() && name.find('/') == std::string::npos) {  // not a subresource
        kinds[r.value("kind", "")] = {name, r.value("namespaced", false)};
      }
    }
    known = discovered_.emplace(api_version, std::move(kinds)).first;
  }
  const auto found = known->second.find(kind);
  if (found == known->second.end()) {
    return Error::not_found(
        fmt::format("the Kubernetes API serves no kind {} in {}", kind, api_version));
  }
  return found->second;
}

Result<void> HttpApi::apply_object(const nlohmann::json& object, const std::string& field_manager) {
  const std::string api_version = object.value("apiVersion", "");
  const std::string kind = object.value("kind", "");
  const nlohmann::json metadata = object.value("metadata", nlohmann::json::object());
  const std::string name = metadata.is_object() ? metadata.value("name", "") : "";
  if (api_version.empty() || kind.empty() || name.empty()) {
    return Error::invalid_input(
        fmt::format("a manifest object needs apiVersion, kind and metadata.name (got "
                    "apiVersion \"{}\", kind \"{}\", name \"{}\")",
                    api_version, kind, name));
  }
  ASSIGN_OR_RETURN(ResourceName resource, resource_of(api_version, kind));
  const std::string base =
      api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
  const std::string ns = metadata.is_object() ? metadata.value("namespace", "default") : "default";
  const std::string path =
      fmt::format("{}{}/{}/{}?fieldManager={}&force=true", base,
                  resource.namespaced ? "/namespaces/" + url_encode(ns) : "", resource.plural,
                  url_encode(name), url_encode(field_manager));
  RETURN_IF_ERROR(call("PATCH", path, "application/apply-patch+yaml", object.dump()));
  spdlog::info("kube.apply kind={} name={}", kind, name);
  return {};
}

}  // namespace kube
