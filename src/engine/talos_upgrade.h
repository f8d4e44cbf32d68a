// One node's in-place Talos upgrade to one version (talos.md §9.1): the new installer goes into
// the inactive A/B slot, the node reboots into it, and talforge checks that it came back on the
// new version and schematic. Draining, health gates and the order of nodes are the caller's.
#pragma once

#include <string>

#include "engine/node_bringup.h"
#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "util/clock.h"
#include "util/result.h"

namespace engine {

struct NodeUpgrade {
  std::string name;
  std::string address;
  std::string image;      // installer image of this step
  std::string version;    // "v1.12.11": what the node must report afterwards
  std::string schematic;  // the schematic it must have booted (empty: not checked)
};

// LifecycleService (ImageService.Pull + Upgrade, then a reboot) on nodes that run v1.13 or newer,
// MachineService.Upgrade on older ones. A node that already runs the version and schematic is
// left alone (a re-run). Conflict when the node comes back on another version — Talos fell back
// to the previous slot because the new one did not boot — naming both versions.
util::Result<void> upgrade_node(const NodeUpgrade& upgrade, const TalosDialer& dial,
                                const TalosPortCheck& port_open, util::Clock& clock,
                                const WaitPolicy& wait, Progress::Step& step);

// Talos's Rollback (boot the previous slot); waits until the node rebooted and answers again and
// returns the version it runs then.
util::Result<std::string> roll_back_node(const NodeUpgrade& upgrade, const TalosDialer& dial,
                                         const TalosPortCheck& port_open, util::Clock& clock,
                                         const WaitPolicy& wait, Progress::Step& step);

}  // namespace engine
