// One node to its desired machine config, from whatever state an earlier (possibly killed) run
// left it in: wait until it answers — in maintenance mode or over mTLS — then
//  * maintenance: prove it is the VM talforge created (SMBIOS UUID) BEFORE sending it anything,
//    apply the config, wait until it answers mTLS with the cluster's OS CA;
//  * configured: compare its active config with the desired one and apply only a difference
//    (mode auto: Talos reboots only when a changed setting needs it).
#pragma once

#include <functional>
#include <string>

#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "util/result.h"

namespace engine {

// Cheap: whether anything accepts TCP at a node's apid port. A booting or rebooting node refuses
// connections; asking this often catches the moment apid listens without a TLS dial per poll.
// Empty: no such check, every poll dials.
using TalosPortCheck = std::function<bool(const std::string& address)>;

struct NodeTarget {
  std::string name;
  std::string address;
  std::string expected_uuid;  // the VM's smbios1 uuid
  std::string config_yaml;    // secret
};

// A node answering with another UUID gets nothing and yields PermissionDenied (a security stop,
// never retried).
util::Result<void> ensure_node_config(const NodeTarget& node, const TalosDialer& dial,
                                      const TalosPortCheck& port_open, util::Clock& clock, const WaitPolicy& wait,
                                      Progress::Step& step);

// Waits until the node answers Version over mTLS.
util::Result<void> wait_configured(const NodeTarget& node, const TalosDialer& dial,
                                   const TalosPortCheck& port_open, util::Clock& clock, const WaitPolicy& wait);

}  // namespace engine
