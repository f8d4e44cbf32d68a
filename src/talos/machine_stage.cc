// talos::machine_stage (see machine_stage.h).
#include "talos/machine_stage.h"

#include "resource/definitions/runtime/runtime.pb.h"

namespace talos {

util::Result<MachineStage> machine_stage(Api& api) {
  ASSIGN_OR_RETURN(Resource resource,
                   api.cosi_get("runtime", "MachineStatuses.runtime.talos.dev", "machine"));
  talos::resource::definitions::runtime::MachineStatusSpec spec;
  if (!spec.ParseFromString(resource.proto_spec)) {
    return util::Error::internal("the node's MachineStatus resource has no readable spec");
  }
  return static_cast<MachineStage>(spec.stage());
}

}  // namespace talos
