// talos::running_schematic (see running_schematic.h).
#include "talos/running_schematic.h"

#include "resource/definitions/extensions/extensions.pb.h"

namespace talos {

util::Result<std::string> running_schematic(Api& api) {
  ASSIGN_OR_RETURN(std::vector<Resource> layers,
                   api.cosi_list("runtime", "ExtensionStatuses.runtime.talos.dev"));
  for (const Resource& layer : layers) {
    talos::resource::definitions::extensions::Layer spec;
    if (!layer.proto_spec.empty() && spec.ParseFromString(layer.proto_spec) &&
        spec.metadata().name() == "schematic") {
      return spec.metadata().version();
    }
  }
  return std::string();
}

}  // namespace talos
