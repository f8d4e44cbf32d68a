// The Talos emulator: many nodes in one process, each on its own loopback address, grouped into
// clusters by the cluster id of their config. Usable in-process by tests; main.cc wraps it with
// the admin HTTP API.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "emulators/talos/cluster_state.h"
#include "emulators/talos/counters.h"
#include "emulators/talos/machine_config.h"
#include "emulators/talos/node.h"
#include "emulators/talos/scheduler.h"
#include "emulators/talos/timing.h"
#include "util/result.h"

namespace talos_emu {

struct EmulatorOptions {
  Timing timing;
  std::string schema_dir;  // holds v1.X/config.schema.json; empty = no schema validation
  int api_port = 50000;
  int trustd_port = 50001;
  int kube_port = 6443;
};

class Emulator {
 public:
  explicit Emulator(EmulatorOptions options);
  ~Emulator();  // powers every node off
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  // Powers a new VM on (AlreadyExists when the address is taken by a powered node; a known but
  // powered-off address is powered on again with the new spec only if its disk is blank).
  util::Result<std::shared_ptr<Node>> power_on(const NodeSpec& spec);
  util::Result<void> power_off(const std::string& address);
  std::shared_ptr<Node> find_node(const std::string& address) const;
  std::vector<std::shared_ptr<Node>> nodes() const;
  std::vector<std::shared_ptr<Node>> cluster_nodes(const std::string& cluster_id) const;

  // The cluster a config belongs to, created on first use.
  std::shared_ptr<ClusterState> cluster_for(const MachineConfig& config);
  // Pushes etcd quorum into the cluster's Kubernetes API availability.
  void update_quorum(ClusterState& cluster);
  // The CNI of `cluster` becomes running after the CNI delay (once).
  // `virtual_start`: when it was asked for, on the unscaled timeline.
  void schedule_cni(const std::shared_ptr<ClusterState>& cluster, double virtual_start);

  Scheduler& scheduler() { return scheduler_; }
  const Timing& timing() const { return options_.timing; }
  const EmulatorOptions& options() const { return options_; }
  Counters& counters() { return counters_; }
  int quorum_losses() const;
  // Unscaled seconds until the slowest node was running and ready (benchmarks).
  double critical_path_seconds() const;

 private:
  EmulatorOptions options_;
  Counters counters_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Node>> nodes_;
  std::map<std::string, std::shared_ptr<ClusterState>> clusters_;
  Scheduler scheduler_;  // last member: destroyed first, so no step outlives the nodes
};

}  // namespace talos_emu
