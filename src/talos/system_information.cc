// Reads the SMBIOS UUID through COSI (see system_information.h).
#include "talos/system_information.h"

#include "resource/definitions/hardware/hardware.pb.h"
#include "util/ascii.h"

namespace talos {

util::Result<std::string> system_uuid(Api& api) {
  ASSIGN_OR_RETURN(
      Resource resource,
      api.cosi_get("hardware", "SystemInformations.hardware.talos.dev", "systeminformation"));
  talos::resource::definitions::hardware::SystemInformationSpec spec;
  if (resource.proto_spec.empty() || !spec.ParseFromString(resource.proto_spec)) {
    return util::Error::internal("the node's SystemInformation resource has no readable spec");
  }
  return util::ascii_lower(spec.uuid());
}

}  // namespace talos
