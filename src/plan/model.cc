// Lookups on plan::Observed.
#include "plan/model.h"

namespace plan {

const ObservedVm* Observed::vm_of(const std::string& node) const {
  for (const ObservedVm& vm : vms) {
    if (vm.node == node) {
      return &vm;
    }
  }
  return nullptr;
}

const ObservedNode* Observed::node_of(const std::string& node) const {
  for (const ObservedNode& n : nodes) {
    if (n.node == node) {
      return &n;
    }
  }
  return nullptr;
}

}  // namespace plan
