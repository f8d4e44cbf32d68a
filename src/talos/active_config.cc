// Reads the active machine config through COSI (see active_config.h).
#include "talos/active_config.h"

#include "resource/config/config.pb.h"

namespace talos {

util::Result<std::string> active_machine_config(Api& api) {
  ASSIGN_OR_RETURN(Resource resource,
                   api.cosi_get("config", "MachineConfigs.config.talos.dev", "v1alpha1"));
  if (!resource.proto_spec.empty()) {
    resource::config::MachineConfigSpec spec;
    if (!spec.ParseFromString(resource.proto_spec)) {
      return util::Error::internal("the node's MachineConfig resource has an unreadable spec");
    }
    return spec.yaml_marshalled();
  }
  return resource.yaml_spec;
}

}  // namespace talos
