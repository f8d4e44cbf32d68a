// The COSI resources one node exposes (talos.md §2.5), computed from its state on demand.
#pragma once

#include <string>
#include <vector>

#include "cosi/resource.pb.h"
#include "emulators/talos/emulator.h"
#include "emulators/talos/node.h"

namespace talos_emu {

struct ResourceType {
  std::string ns, type;
  bool sensitive = false;
  bool in_maintenance = false;  // also served in maintenance mode
};

// nullptr when the type is not known (PermissionDenied "resource type … is not supported").
const ResourceType* find_resource_type(const std::string& type);
bool known_namespace(const std::string& ns);

// Every resource of `type` in `ns` on the node, sorted by id; metadata.version left "1".
std::vector<cosi::resource::Resource> node_resources(Emulator& emulator, const NodeSnapshot& node,
                                                     const std::string& ns,
                                                     const std::string& type);

}  // namespace talos_emu
