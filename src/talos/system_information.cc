// Reads the SMBIOS UUID through COSI (see system_information.h).
#include "talos/system_information.h"

#include <algorithm>
#include <cctype>

#include "resource/definitions/hardware/hardware.pb.h"

namespace talos {

util::Result<std::string> system_uuid(Api& api) {
  ASSIGN_OR_RETURN(
      Resource resource,
      api.cosi_get("hardware", "SystemInformations.hardware.talos.dev", "systeminformation"));
  talos::resource::definitions::hardware::SystemInformationSpec spec;
  if (resource.proto_spec.empty() || !spec.ParseFromString(resource.proto_spec)) {
    return util::Error::internal("the node's SystemInformation resource has no readable spec");
  }
  std::string uuid = spec.uuid();
  std::transform(uuid.begin(), uuid.end(), uuid.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return uuid;
}

}  // namespace talos
