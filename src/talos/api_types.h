// Values the Talos API client returns: plain structs, so callers never depend on generated protos.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

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

}  // namespace talos
