// engine::sync_inline_manifests (see manifest_sync.h).
#include "engine/manifest_sync.h"

#include <fmt/format.h>

#include "util/sha256.h"
#include "util/yaml_load.h"

namespace engine {
namespace {

using util::Tree;

std::vector<std::pair<std::string, std::string>> inline_manifests(const std::string& config) {
  std::vector<std::pair<std::string, std::string>> out;
  util::Result<std::vector<Tree>> docs = util::load_yaml_stream(config, "machine config");
  if (!docs.ok()) {
    return out;
  }
  const Tree::json_pointer manifests("/cluster/inlineManifests");
  for (const Tree& doc : *docs) {
    if (doc.is_object() && !doc.contains("kind") && doc.contains(manifests) &&
        doc[manifests].is_array()) {
      for (const Tree& manifest : doc[manifests]) {
        if (manifest.is_object()) {
          out.emplace_back(manifest.value("name", ""), manifest.value("contents", ""));
        }
      }
    }
  }
  return out;
}

nlohmann::json record_object(const std::string& digest) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", kManifestsRecordName}, {"namespace", kManifestsRecordNamespace}}},
          {"data", {{"sha256", digest}}}};
}

// Every object of every inline manifest, in order (Talos applies them top to bottom).
util::Result<std::vector<nlohmann::json>> manifest_objects(const std::string& config) {
  std::vector<nlohmann::json> out;
  for (const auto& [name, contents] : inline_manifests(config)) {
    ASSIGN_OR_RETURN(std::vector<Tree> objects,
                     util::load_yaml_stream(contents, "inline manifest " + name));
    for (const Tree& object : objects) {
      if (object.is_object()) {  // `---` at the start or end leaves empty documents
        out.push_back(nlohmann::json::parse(object.dump()));
      }
    }
  }
  return out;
}

}  // namespace

std::string inline_manifests_digest(const std::string& control_plane_config) {
  const auto manifests = inline_manifests(control_plane_config);
  if (manifests.empty()) {
    return "";
  }
  std::string text;
  for (const auto& [name, contents] : manifests) {
    text += name;
    text.push_back('\0');
    text += contents;
    text.push_back('\0');
  }
  return util::sha256_hex(text);
}

std::optional<std::string> recorded_manifests_digest(const std::vector<std::string>& control_planes,
                                                     const KubeConnect& kube) {
  std::optional<std::string> recorded;
  (void)first_answering(control_planes, kube, [&](kube::Api& api) -> util::Result<void> {
    util::Result<std::map<std::string, std::string>> data =
        api.get_config_map(kManifestsRecordNamespace, kManifestsRecordName);
    if (data.ok()) {
      const auto digest = data->find("sha256");
      recorded = digest == data->end() ? "" : digest->second;
      return {};
    }
    if (data.error().code == util::ErrorCode::NotFound) {
      recorded = "";
      return {};
    }
    return data.error();
  });
  return recorded;
}

util::Result<std::size_t> sync_inline_manifests(const std::string& control_plane_config,
                                                const std::vector<std::string>& control_planes,
                                                const KubeConnect& kube) {
  ASSIGN_OR_RETURN(std::vector<nlohmann::json> objects, manifest_objects(control_plane_config));
  RETURN_IF_ERROR(first_answering(control_planes, kube, [&](kube::Api& api) -> util::Result<void> {
    for (const nlohmann::json& object : objects) {
      RETURN_IF_ERROR(api.apply_object(object, "talos"));
    }
    return api.apply_object(record_object(inline_manifests_digest(control_plane_config)),
                            "talforge");
  }));
  return objects.size();
}

}  // namespace engine
