// Values the Talos API client returns: plain structs, so callers never depend on generated protos.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "util/result.h"

namespace talos {

// Version reply (talos.md §2.4 "Version"). `node` is apid's metadata.hostname: the target as the
// caller named it, empty when the endpoint answered for itself.
struct VersionInfo {
  std::string node;
  std::string tag;  // e.g. "v1.11.6"
  std::string sha;
  std::string built;
  std::string go_version;
  std::string os;
  std::string arch;
  std::string platform_name;  // "metal", "nocloud", …
  std::string platform_mode;  // "metal", "cloud", "container", …
  bool rbac = false;
};

// Same numbers as machine.ApplyConfigurationRequest.Mode, so conversion is a cast.
enum class ApplyMode { Reboot = 0, Auto = 1, NoReboot = 2, Staged = 3, Try = 4 };

const char* apply_mode_name(ApplyMode mode);  // "reboot", "auto", "no-reboot", "staged", "try"

struct ApplyResult {
  std::string node;
  std::vector<std::string> warnings;
  ApplyMode mode = ApplyMode::Reboot;  // the resolved mode (AUTO resolves to REBOOT/NO_REBOOT)
  std::string mode_details;
};

// Same numbers as storage.Disk.DiskType.
enum class DiskType { Unknown = 0, Ssd = 1, Hdd = 2, Nvme = 3, Sd = 4, Cd = 5 };

struct Disk {
  std::string device_name;  // "/dev/vda"
  std::string name;
  std::string model;
  std::string serial;
  std::string modalias;
  std::string uuid;
  std::string wwid;
  std::string bus_path;
  std::string subsystem;
  std::uint64_t size = 0;  // bytes
  DiskType type = DiskType::Unknown;
  bool system_disk = false;
  bool readonly = false;
};

struct ServiceEvent {
  std::string msg;
  std::string state;
  std::int64_t unix_seconds = 0;
};

struct ServiceInfo {
  std::string id;                    // "etcd", "kubelet", …
  std::string state;                 // "Running", "Waiting", …
  std::vector<ServiceEvent> events;  // oldest first; the last one is the current state
  bool health_unknown = false;
  bool healthy = false;
  std::string health_message;
};

// Memory reply (health checks). Values as machined reads /proc/meminfo; Linux reports them in
// KiB (talos.md does not state the unit).
struct MemoryInfo {
  std::string node;
  std::uint64_t total = 0;
  std::uint64_t free = 0;
  std::uint64_t available = 0;
};

struct EtcdMember {
  std::uint64_t id = 0;  // COSI shows the same id as 16 lowercase hex digits
  std::string hostname;
  std::vector<std::string> peer_urls;
  std::vector<std::string> client_urls;
  bool is_learner = false;
};

// COSI resource (talos.md §2.5). Timestamps are Unix seconds.
struct ResourceMetadata {
  std::string ns;  // "namespace" in the proto; a keyword in C++
  std::string type;
  std::string id;
  std::string version;  // decimal string, bumped on every change
  std::string owner;
  std::string phase;  // "running" | "tearingDown"
  std::int64_t created_unix = 0;
  std::int64_t updated_unix = 0;
  std::vector<std::string> finalizers;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

struct Resource {
  ResourceMetadata metadata;
  std::string yaml_spec;
  std::string proto_spec;  // raw bytes of the spec message (the stable contract)
};

// Kubeconfig RPC: the gzip'd tar as sent, and the `kubeconfig` entry taken out of it.
struct Kubeconfig {
  std::string archive;
  std::string kubeconfig;
};

// Hostname reply.
struct HostnameInfo {
  std::string node;
  std::string hostname;
};

// What an asynchronous action (upgrade, reboot, shutdown, reset) answered before it ran: the
// work happens after the reply, so success here only means "accepted".
struct ActionAck {
  std::string node;
  std::string ack;       // Upgrade only: "Upgrade request received"
  std::string actor_id;  // UUID carried by the events the action emits (Events with_actor_id)
};

// Same numbers as machine.RebootRequest.Mode; UpgradeRequest.RebootMode shares 0 and 1.
enum class RebootMode { Default = 0, Powercycle = 1, Force = 2 /* v1.12+ */ };

// MachineService.Upgrade (the pre-v1.13 path, still served through v1.17).
struct UpgradeRequest {
  std::string image;   // installer image, e.g. factory.talos.dev/installer/<schematic>:v1.11.6
  bool stage = false;  // install early in the next boot instead of now
  bool force = false;  // skip the etcd health/quorum checks on control planes
  RebootMode reboot_mode = RebootMode::Default;  // Default or Powercycle only
};

// Same numbers as common.ContainerDriver / common.ContainerdNamespace.
enum class ContainerDriver { Containerd = 0, Cri = 1 };
enum class ContainerdNamespace { Unknown = 0, System = 1, Cri = 2 };

// ImageService.Pull + LifecycleService.Upgrade (v1.13+). The default instance is talosctl's
// (`--namespace system`: CRI driver, system namespace).
struct LifecycleUpgradeRequest {
  std::string image;
  ContainerDriver driver = ContainerDriver::Cri;
  ContainerdNamespace ns = ContainerdNamespace::System;
};

// Same numbers as machine.ResetRequest.WipeMode.
enum class WipeMode { All = 0, SystemDisk = 1, UserDisks = 2 };

struct ResetRequest {
  bool graceful = true;  // cordon/drain and leave etcd first (talosctl's default)
  bool reboot = false;   // reboot instead of powering off afterwards
  WipeMode mode = WipeMode::All;
  // Volume labels to wipe (STATE, EPHEMERAL, …); empty = the whole system disk.
  std::vector<std::string> system_partitions_to_wipe;
  std::vector<std::string> user_disks_to_wipe;  // device paths, e.g. /dev/sdb
};

struct EtcdMemberStatus {
  std::string node;
  std::uint64_t member_id = 0;
  std::string protocol_version;
  std::string storage_version;
  std::int64_t db_size = 0;
  std::int64_t db_size_in_use = 0;
  std::uint64_t leader = 0;
  std::uint64_t raft_index = 0;
  std::uint64_t raft_term = 0;
  std::uint64_t raft_applied_index = 0;
  std::vector<std::string> errors;
  bool is_learner = false;
};

// cluster.ClusterService/HealthCheck parameters (talos.md §7.1).
struct HealthCheckRequest {
  std::chrono::seconds wait_timeout{20 * 60};
  std::vector<std::string> control_plane_nodes;  // empty (both) = the node discovers them
  std::vector<std::string> worker_nodes;
  std::string force_endpoint;  // Kubernetes API endpoint override; empty = the node's own
};

// Events stream options; at most one tail option is set (Talos treats them as exclusive).
struct EventsRequest {
  int tail_events = 0;  // >0: replay the last N buffered events; <0: all of them
  std::string tail_id;  // replay the events after this id
  int tail_seconds = 0;
  std::string with_actor_id;  // only events of this action
};

// One decoded Events message. `type` is the payload's message name without the
// "talos/runtime/" prefix ("machine.MachineStatusEvent", …); the fields used by talforge are
// decoded, the rest stays in `payload` (serialized message).
struct Event {
  std::string node;
  std::string id;
  std::string actor_id;
  std::string type;
  std::string payload;
  // machine.MachineStatusEvent
  std::string machine_stage;  // "running", "booting", … (lowercase enum name)
  bool machine_ready = false;
  std::vector<std::string> unmet_conditions;  // "name: reason"
  // machine.SequenceEvent / PhaseEvent / TaskEvent / ServiceStateEvent
  std::string name;    // sequence, phase, task or service
  std::string action;  // "start", "stop", "running", … (lowercase enum name)
  std::string error;   // SequenceEvent error message, ConfigLoad/ValidationError text
};

// COSI watch event; same numbers as cosi.resource.EventType.
enum class WatchEventType {
  Created = 0,
  Updated = 1,
  Destroyed = 2,
  Bootstrapped = 3,
  Errored = 4,
  Noop = 5
};

struct WatchEvent {
  WatchEventType type = WatchEventType::Created;
  Resource resource;  // empty for Bootstrapped
  std::string error;  // Errored only
};

// Per-node result of a `nodes` fan-out (talos.md §1.5): `node` is the address as the caller
// named it; a node apid could not reach carries its error here and does not fail the others.
// Bootstrap's request (talos.md §2): a new etcd cluster, or one recovered from the snapshot
// uploaded with etcd_recover.
struct BootstrapOptions {
  bool recover_etcd = false;
  bool recover_skip_hash_check = false;  // for a snapshot copied from a data directory
};

template <typename T>
struct NodeResult {
  std::string node;
  util::Result<T> value;
};

}  // namespace talos
