// engine::sync_inline_manifests (see manifest_sync.h).
#include "engine/manifest_sync.h"

#include <fmt/format.h>

#include "util/yaml_load.h"

namespace engine {
namespace {

using util::Tree;

// Every object of every inline manifest, in order (Talos applies them top to bottom).
util::Result<std::vector<nlohmann::json>> manifest_objects(const std::string& config) {
  ASSIGN_OR_RETURN(std::vector<Tree> docs, util::load_yaml_stream(config, "machine config"));
  std::vector<nlohmann::json> out;
  for (const Tree& doc : docs) {
    const Tree::json_pointer manifests("/cluster/inlineManifests");
    if (!doc.is_object() || doc.contains("kind") || !doc.contains(manifests) ||
        !doc[manifests].is_array()) {
      continue;
    }
    for (const Tree& manifest : doc[manifests]) {
      const std::string name = manifest.value("name", "");
      ASSIGN_OR_RETURN(std::vector<Tree> objects,
                       util::load_yaml_stream(manifest.value("contents", ""),
                                              "inline manifest " + name));
      for (const Tree& object : objects) {
        if (object.is_object()) {  // `---` at the start or end leaves empty documents
          out.push_back(nlohmann::json::parse(object.dump()));
        }
      }
    }
  }
  return out;
}

}  // namespace

util::Result<std::size_t> sync_inline_manifests(const std::string& control_plane_config,
                                                const std::vector<std::string>& control_planes,
                                                const KubeConnect& kube) {
  ASSIGN_OR_RETURN(std::vector<nlohmann::json> objects, manifest_objects(control_plane_config));
  if (objects.empty()) {
    return std::size_t{0};
  }
  RETURN_IF_ERROR(first_answering(control_planes, kube, [&](kube::Api& api) -> util::Result<void> {
    for (const nlohmann::json& object : objects) {
      RETURN_IF_ERROR(api.apply_object(object, "talos"));
    }
    return {};
  }));
  return objects.size();
}

}  // namespace engine
