// etcd disaster recovery (talos.md §2, EtcdRecover + Bootstrap{recover_etcd}): when every control
// plane has lost its etcd data (EPHEMERAL wiped, e.g. `talosctl reset --graceful=false
// --system-labels-to-wipe EPHEMERAL`) and waits for Bootstrap, one of them starts etcd again from
// a snapshot file; the others join it by themselves.
#pragma once

#include <string>
#include <vector>

#include "engine/node_bringup.h"
#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "util/clock.h"
#include "util/result.h"

namespace engine {

struct EtcdRestore {
  std::string snapshot_path;
  std::string node;     // the control plane that recovers (name, for messages)
  std::string address;  // its address
  std::vector<std::string> control_planes;  // every control plane's address
  // For a snapshot copied out of a data directory (no SHA-256 trailer).
  bool skip_hash_check = false;
};

// Refuses (Conflict, nothing sent) while any control plane still reports etcd members: a running
// etcd is never replaced. The file is checked before it is uploaded.
util::Result<void> restore_etcd(const EtcdRestore& restore, const TalosDialer& dial,
                                util::Clock& clock, const WaitPolicy& wait, Progress::Step& step);

}  // namespace engine
