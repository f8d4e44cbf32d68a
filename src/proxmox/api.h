// The Proxmox VE operations talforge performs (proxmox.md §2), behind one interface so the
// engine can be tested with fakes; http_api.cc implements it over proxmox::Client.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "proxmox/client.h"
#include "proxmox/pve_version.h"
#include "proxmox/vm_spec.h"
#include "util/result.h"

namespace proxmox {

struct PveNodeState {
  std::string node;
  std::string status;  // online | offline | unknown
};

struct VmState {
  int vmid = 0;
  std::string node;
  std::string name;
  std::string status;  // running | stopped | unknown (new VMs lag in cluster/resources)
  std::vector<std::string> tags;
  std::string lock;
  bool is_template = false;
  uint64_t maxmem = 0;
  uint64_t maxdisk = 0;
};

struct StorageState {
  std::string node;
  std::string storage;
  std::string plugin_type;
  std::string status;
  std::vector<std::string> content;
  bool shared = false;
};

// One GET /cluster/resources: everything talforge observes about the estate in one call.
struct ClusterState {
  std::vector<PveNodeState> nodes;
  std::vector<VmState> vms;
  std::vector<StorageState> storages;

  const VmState* find_vm(int vmid) const;
};

struct VmConfig {
  std::map<std::string, std::string> options;  // every value as a string
  std::string digest;                           // pass back on update (optimistic concurrency)
};

// What an update left for later (proxmox.md §2.9): a running VM takes changes it cannot hot-plug
// (memory and cores unless `hotplug` allows them) as pending; they apply on its next stop/start.
struct VmUpdate {
  bool reboot_needed = false;
  std::vector<std::string> pending;  // option names PVE lists as pending (set or delete)
};

struct Volume {
  std::string volid;
  std::string content;
  std::string format;
  uint64_t size = 0;
};

struct GuestInterface {
  std::string name;
  std::string mac;  // lower case
  std::vector<std::string> ipv4;
};

struct DownloadRequest {
  std::string pve_node;
  std::string storage;
  std::string url;
  std::string filename;
  std::string content = "iso";  // iso (the default route) | import (disk images, PVE 8.4+)
  std::string sha256;           // optional checksum of the downloaded bytes
};

class Api {
 public:
  virtual ~Api() = default;

  virtual util::Result<PveVersion> version() = 0;
  virtual util::Result<ClusterState> cluster() = 0;
  // The lowest free VMID at or above `from` (PVE's nextid probe; not a reservation).
  virtual util::Result<int> free_vmid(int from) = 0;

  // Creates the VM and waits for the task (on the import route also grows the imported disk to
  // the spec's size). Safe to call again after a lost answer: a VM with this VMID that carries
  // this spec's ownership marker counts as created. InvalidInput, before any request, when the
  // PVE release cannot do what the spec asks (check_supported).
  virtual util::Result<void> create_vm(const VmSpec& spec) = 0;
  // The config with pending changes merged in (PVE's default view): what the VM will run with.
  virtual util::Result<VmConfig> vm_config(const std::string& pve_node, int vmid) = 0;
  // GET …/config?current=1: what the VM runs with now (changes PVE keeps pending until the next
  // power-on are not in it).
  virtual util::Result<VmConfig> vm_running_config(const std::string& pve_node, int vmid) = 0;
  // POST …/config with the digest read before; `deletes` are option names to remove. Then
  // GET …/pending tells whether the VM must be restarted for the changes to take effect.
  virtual util::Result<VmUpdate> update_vm(const std::string& pve_node, int vmid,
                                       const Params& changes,
                                       const std::vector<std::string>& deletes,
                                       const std::string& digest) = 0;
  // Grows a disk to `gib` (absolute); never shrinks.
  virtual util::Result<void> resize_disk(const std::string& pve_node, int vmid,
                                         const std::string& disk, int gib) = 0;
  virtual util::Result<void> start_vm(const std::string& pve_node, int vmid) = 0;
  // Guest shutdown, then a hard stop if it did not finish within `timeout_s`.
  virtual util::Result<void> shutdown_vm(const std::string& pve_node, int vmid,
                                         int timeout_s) = 0;
  virtual util::Result<void> stop_vm(const std::string& pve_node, int vmid) = 0;
  // Stops the VM if needed, then removes it with its disks (purge, unreferenced disks too).
  virtual util::Result<void> destroy_vm(const std::string& pve_node, int vmid) = 0;
  // Guest-agent view of the VM's interfaces; Unavailable while the agent does not answer.
  virtual util::Result<std::vector<GuestInterface>> guest_interfaces(const std::string& pve_node,
                                                                     int vmid) = 0;
  virtual util::Result<std::vector<Volume>> storage_content(const std::string& pve_node,
                                                            const std::string& storage,
                                                            const std::string& content) = 0;
  // Returns the volid; downloads only when the storage does not hold the file yet. Content
  // `import` on a PVE release without disk-image import is refused locally (InvalidInput).
  virtual util::Result<std::string> ensure_downloaded(const DownloadRequest& request) = 0;
};

struct HttpApiOptions {
  TaskWait task_wait;
  // Actions are retried on transient failures (5xx bursts, lock timeouts, lost answers), each
  // retry after re-checking the state the action may already have reached.
  int action_attempts = 4;
  util::Backoff action_backoff{std::chrono::milliseconds(500), std::chrono::milliseconds(8000)};
};

std::unique_ptr<Api> make_http_api(Client& client, HttpApiOptions options = {});

}  // namespace proxmox
