// One node from a booted VM to a configured Talos machine: wait for maintenance mode at its
// address, prove it is the VM talforge created (SMBIOS UUID) BEFORE sending it anything, apply
// its config, and wait until it answers mTLS with the cluster's OS CA.
#pragma once

#include <string>

#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "util/result.h"

namespace engine {

struct NodeTarget {
  std::string name;
  std::string address;
  std::string expected_uuid;  // the VM's smbios1 uuid
  std::string config_yaml;    // secret
};

// Maintenance → identity check → ApplyConfiguration → configured. A node that answers with
// another UUID gets nothing and yields PermissionDenied (a security stop, never retried).
util::Result<void> configure_node(const NodeTarget& node, const TalosDialer& dial,
                                  util::Clock& clock, const WaitPolicy& wait, Progress::Step& step);

// Applies a changed config to a configured node (mode auto: Talos reboots only when needed)
// and waits until it answers again.
util::Result<void> reconfigure_node(const NodeTarget& node, const TalosDialer& dial,
                                    util::Clock& clock, const WaitPolicy& wait,
                                    Progress::Step& step);

// Waits until the node answers Version over mTLS.
util::Result<void> wait_configured(const NodeTarget& node, const TalosDialer& dial,
                                   util::Clock& clock, const WaitPolicy& wait);

}  // namespace engine
