#include "emulators/talos/emulator.h"

#include <algorithm>

namespace talos_emu {

Emulator::Emulator(EmulatorOptions options) : options_(std::move(options)) {}

Emulator::~Emulator() {
  scheduler_.stop();
  for (const auto& node : nodes()) node->power_off();
}

util::Result<std::shared_ptr<Node>> Emulator::power_on(const NodeSpec& spec) {
  if (spec.address.empty()) {
    return util::Error::invalid_input("node address is empty; give the node's loopback IP");
  }
  std::shared_ptr<Node> node;
  {
    std::lock_guard lock(mu_);
    auto it = nodes_.find(spec.address);
    if (it != nodes_.end()) {
      const NodeSnapshot old = it->second->snapshot();
      if (old.powered) {
        return util::Error::already_exists("node " + spec.address + " is already powered on");
      }
      if (old.spec.uuid == spec.uuid) {
        node = it->second;  // a stopped VM starts again with its disk as it was
      } else {
        // Another machine at this address (a destroyed VM's successor): a blank disk.
        node = std::make_shared<Node>(*this, spec);
        it->second = node;
      }
    } else {
      node = std::make_shared<Node>(*this, spec);
      nodes_[spec.address] = node;
    }
  }
  node->power_on();
  return node;
}

util::Result<void> Emulator::power_off(const std::string& address) {
  auto node = find_node(address);
  if (!node) return util::Error::not_found("no node with address " + address);
  node->power_off();
  return {};
}

std::shared_ptr<Node> Emulator::find_node(const std::string& address) const {
  std::lock_guard lock(mu_);
  auto it = nodes_.find(address);
  return it == nodes_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<Node>> Emulator::nodes() const {
  std::lock_guard lock(mu_);
  std::vector<std::shared_ptr<Node>> out;
  for (const auto& [address, node] : nodes_) out.push_back(node);
  return out;
}

std::vector<std::shared_ptr<Node>> Emulator::cluster_nodes(const std::string& cluster_id) const {
  std::vector<std::shared_ptr<Node>> out;
  if (cluster_id.empty()) return out;
  for (const auto& node : nodes()) {
    NodeSnapshot s = node->snapshot();
    if (s.cluster && s.cluster->id == cluster_id) out.push_back(node);
  }
  return out;
}

std::shared_ptr<ClusterState> Emulator::cluster_for(const MachineConfig& config) {
  const std::string id = config.cluster_id.empty() ? config.cluster_name : config.cluster_id;
  // When no machine holds this cluster's data any more (every VM destroyed), the same secrets
  // start a brand-new cluster: nothing of the old etcd survives on a blank disk.
  const bool no_machine_left = cluster_nodes(id).empty();
  std::lock_guard lock(mu_);
  auto& cluster = clusters_[id];
  if (!cluster || no_machine_left) {
    cluster = std::make_shared<ClusterState>(id, config.cluster_name, config.kubernetes_version);
    cluster->kube->set_available(false);
  }
  return cluster;
}

void Emulator::update_quorum(ClusterState& cluster) {
  const bool available = cluster.etcd.bootstrapped() && cluster.etcd.has_quorum();
  std::lock_guard lock(cluster.mu);
  if (available == cluster.had_quorum) return;
  cluster.had_quorum = available;
  cluster.kube->set_available(available);
}

void Emulator::schedule_cni(const std::shared_ptr<ClusterState>& cluster, double virtual_start) {
  {
    std::lock_guard lock(cluster->mu);
    if (cluster->cni_scheduled) return;
    cluster->cni_scheduled = true;
  }
  std::weak_ptr<ClusterState> weak = cluster;
  const double ready_at = virtual_start + timing().cni.count();
  scheduler_.post_after(timing().scaled(timing().cni), [this, weak, ready_at] {
    auto c = weak.lock();
    if (!c) return;
    c->kube->set_cni_running(true);
    for (const auto& node : cluster_nodes(c->id)) node->refresh_status(ready_at);
  });
}

int Emulator::quorum_losses() const {
  std::lock_guard lock(mu_);
  int total = 0;
  for (const auto& [id, cluster] : clusters_) total += cluster->etcd.quorum_losses();
  return total;
}

double Emulator::critical_path_seconds() const {
  double longest = 0;
  for (const auto& node : nodes()) {
    if (auto t = node->critical_path_seconds()) longest = std::max(longest, *t);
  }
  return longest;
}

}  // namespace talos_emu
