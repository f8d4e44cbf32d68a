// One emulated Talos machine: its lifecycle (talos.md §7.2: boot → maintenance → install →
// reboot → running; upgrade with A/B slots §9.1; reboot, reset, shutdown) driven by the
// emulator's scheduler, and the gRPC servers it exposes in each personality. RPC handlers read
// it through snapshot() and act on it through the methods below.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <grpcpp/server.h>

#include "emulators/kube/kube_api_server.h"
#include "emulators/talos/cluster_state.h"
#include "emulators/talos/machine_config.h"
#include "emulators/talos/node_model.h"
#include "emulators/talos/node_server.h"
#include "emulators/talos/pki.h"
#include "machine/machine.pb.h"

namespace talos_emu {

class Emulator;

enum class Personality { Off, Maintenance, Configured };

// A consistent copy of a node's state for one RPC.
struct NodeSnapshot {
  NodeSpec spec;
  Faults faults;
  bool powered = false;
  Personality personality = Personality::Off;
  Stage stage = machine::MachineStatusEvent::UNKNOWN;
  bool ready = false;
  std::vector<UnmetCondition> unmet;
  DiskState disk;
  std::string running_version;
  std::string running_schematic;
  std::shared_ptr<const MachineConfig> config;  // active config; null in maintenance
  std::shared_ptr<ClusterState> cluster;
  std::vector<ServiceRecord> services;
  std::string hostname;
  bool control_plane() const { return config && config->type == "controlplane"; }
};

struct ApplyOutcome {
  machine::ApplyConfigurationRequest::Mode mode = machine::ApplyConfigurationRequest::REBOOT;
  std::string details;
  std::vector<std::string> warnings;
};

// A gRPC status as plain values so node.cc needs no gRPC status types in its interface.
struct RpcError {
  int code = 0;  // grpc::StatusCode
  std::string message;
};
template <typename T>
using RpcResult = std::variant<T, RpcError>;

class Node : public std::enable_shared_from_this<Node> {
 public:
  Node(Emulator& emulator, NodeSpec spec);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  const std::string& address() const { return spec_.address; }
  NodeSnapshot snapshot() const;

  // ---- hypervisor (admin API) ----
  void power_on();
  void power_off();
  void set_faults(const Faults& faults);

  // ---- RPC actions; errors carry Talos's status code and text ----
  RpcResult<ApplyOutcome> apply_configuration(const std::string& yaml,
                                              machine::ApplyConfigurationRequest::Mode mode,
                                              bool dry_run);
  std::optional<RpcError> bootstrap(bool recover_etcd);
  RpcResult<std::string> upgrade(const std::string& image, bool stage, bool force);
  // LifecycleService.Upgrade (v1.13+): the installer writes the inactive slot and makes it the
  // next boot's; no reboot (the caller reboots).
  std::optional<RpcError> validate_installer_image(const std::string& image) const;
  std::optional<RpcError> install_into_inactive_slot(const std::string& image);
  std::optional<RpcError> rollback();
  RpcResult<std::string> reboot();
  RpcResult<std::string> reset(const machine::ResetRequest& request);
  RpcResult<std::string> shutdown();
  std::optional<RpcError> etcd_leave();
  RpcResult<std::string> issue_trustd_cert(const std::string& token, const std::string& csr);
  void pull_image(const std::string& image);
  bool image_pulled(const std::string& image) const;

  // ---- Events (§2.4 Events): buffered history and a wait for new ones ----
  std::vector<machine::Event> events_after(size_t index, size_t* next_index) const;
  std::vector<machine::Event> events_tail(int tail_events) const;
  size_t events_end() const;
  void wait_for_events(size_t index, std::chrono::milliseconds timeout) const;

  // A configured control plane whose config names a VIP serves the Kubernetes API on it too, as
  // long as no other control plane does (Talos moves the VIP between control planes; here the
  // first that can bind it holds it, and a holder that stops hands it over).
  void try_hold_vip();

  // Called by the cluster when the CNI turns running (Node readiness changes).
  // `virtual_at_least`: the cluster event's time on the unscaled timeline (critical path).
  void refresh_status(double virtual_at_least = 0);
  double virtual_now() const;
  // Unscaled seconds from the first power-on until the node was last running and ready.
  std::optional<double> critical_path_seconds() const;
  // Wall-clock times of each upgrade: when it was requested and when the node was next running
  // and ready (for benchmarks: the emulator's share of a rollout, and the gaps between nodes).
  struct UpgradeTimes {
    std::chrono::steady_clock::time_point requested;
    std::optional<std::chrono::steady_clock::time_point> ready;
  };
  std::vector<UpgradeTimes> upgrade_times() const;

 private:
  // Lifecycle steps (scheduler thread). `epoch` guards against steps of a previous power cycle.
  void post_step(double unscaled_seconds, void (Node::*step)(uint64_t), bool boot_delay = false);
  void boot_start(uint64_t epoch);
  void boot_finished(uint64_t epoch);
  void install_finished(uint64_t epoch);
  void reboot_now(uint64_t epoch);
  void enter_configured(uint64_t epoch);
  void obtain_certificate(uint64_t epoch);
  void etcd_ready(uint64_t epoch);
  void kubelet_ready(uint64_t epoch);
  void kubelet_restarted(uint64_t epoch);
  void count_upgrade();  // counters (incl. an upgrade of an undrained node) and its start time
  kube_emu::NodeFacts kube_facts(const NodeSnapshot& s) const;
  // A live config change of the kubelet image restarts the kubelet; one of a control plane
  // component's image makes the kubelet replace that static pod (talos.md §9.2).
  void restart_kubernetes_components(const MachineConfig& before, const MachineConfig& after);
  void upgrade_installed(uint64_t epoch);
  void reset_finished(uint64_t epoch);
  void shutdown_finished(uint64_t epoch);
  static bool wipes_etcd_data(const machine::ResetRequest& request);
  void forget_etcd_data(const NodeSnapshot& s);
  void retry_configured(uint64_t epoch);

  // State helpers (mu_ held).
  void set_stage_locked(Stage stage);
  void set_service_locked(const std::string& id, const std::string& state, bool healthy,
                          const std::string& message);
  void sequence_event_locked(const std::string& sequence, bool start);
  void phase_event_locked(const std::string& phase, bool start);
  void push_event_locked(const google::protobuf::Message& payload, const std::string& actor);
  void compute_status_locked(bool* ready, std::vector<UnmetCondition>* unmet) const;
  void emit_status_locked();
  std::string hostname_locked() const;  // the config's, else Talos's default talos-<ip dashed>
  void stop_workloads_locked();         // kubelet down, etcd member down
  std::string new_actor_id_locked();
  double boot_factor() const;

  // Servers (never with mu_ held: shutting a server down waits for its handlers).
  void switch_servers(Personality personality, uint64_t epoch);
  void stop_servers(bool hand_over_vip = true);
  std::unique_ptr<kube_emu::KubeApiServer> start_kube_api(const NodeSnapshot& s,
                                                          const std::string& address);

  Emulator& emulator_;
  const NodeSpec spec_;

  mutable std::mutex mu_;
  mutable std::condition_variable events_cv_;
  uint64_t epoch_ = 0;
  Faults faults_;
  bool powered_ = false;
  Personality personality_ = Personality::Off;
  Stage stage_ = machine::MachineStatusEvent::UNKNOWN;
  DiskState disk_;
  std::string running_version_, running_schematic_;
  std::shared_ptr<const MachineConfig> config_;  // active (applied or loaded at boot)
  std::shared_ptr<const MachineConfig> pending_install_config_;
  // disk_.config_yaml as accepted when it was written: a stored config is not re-validated by
  // the next version's schema after an upgrade (real nodes load it as is).
  std::shared_ptr<const MachineConfig> disk_config_;
  std::shared_ptr<ClusterState> cluster_;
  std::vector<ServiceRecord> services_;
  std::deque<machine::Event> events_;
  size_t events_dropped_ = 0;
  uint64_t event_counter_ = 0;
  bool last_ready_ = false;
  Stage last_emitted_stage_ = machine::MachineStatusEvent::UNKNOWN;
  std::string last_unmet_;  // unmet conditions of the last MachineStatusEvent, joined
  // Actor id of the API action whose sequence runs now (reboot, upgrade, reset, shutdown); its
  // sequence and phase events carry it. Cleared when the machine boots again.
  std::string actor_;
  std::optional<CertAndKey> apid_cert_;
  std::vector<std::string> pulled_images_;
  std::string pending_upgrade_image_;
  bool etcd_waiting_bootstrap_ = false;
  // Critical path (unscaled seconds): virtual time of this node's timeline.
  double virtual_now_ = 0;
  std::optional<double> ready_at_;
  std::vector<UpgradeTimes> upgrade_times_;

  std::mutex servers_mu_;
  NodeServers servers_;
  std::unique_ptr<kube_emu::KubeApiServer> kube_server_;
  std::unique_ptr<kube_emu::KubeApiServer> vip_server_;
};

}  // namespace talos_emu
