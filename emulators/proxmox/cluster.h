// The emulated PVE cluster: nodes pve1..pveN, their storages and volumes, and the VMs with their
// configs (proxmox.md §2). One mutex guards it all; the per-VM flock of §3.2 is separate so a
// task can hold it while others read the cluster.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace pve_emu {

struct Volume {
  std::string volid;    // "local:iso/talos.iso", "local-lvm:vm-101-disk-0"
  std::string content;  // iso, import, images, vztmpl, snippets
  std::string format;   // iso, raw, qcow2, …
  long long size = 0;   // bytes
  long long ctime = 0;
  int vmid = 0;         // owner for images
  std::string asset;    // stand-in Talos asset text this volume holds (or was imported from)
};

struct Storage {
  std::string id;
  std::string type;  // dir, lvmthin
  std::set<std::string> content;
  long long total = 0;
  std::map<std::string, Volume> volumes;  // by volid

  bool file_based() const { return type == "dir"; }
  long long used() const;
};

struct Vm {
  int vmid = 0;
  std::string node;
  std::map<std::string, std::string> config;   // applied options (description included)
  std::map<std::string, std::string> pending;  // changes waiting for a restart
  std::set<std::string> pending_delete;
  bool running = false;
  long long started_at = 0;  // epoch seconds
  std::string qmpstatus = "stopped";
  std::chrono::steady_clock::time_point booted_at;  // when the guest started booting
  std::shared_ptr<std::timed_mutex> flock = std::make_shared<std::timed_mutex>();

  std::string lock() const;
  std::string name() const;
};

struct PveNode {
  std::string name;
  bool online = true;
  std::map<std::string, Storage> storages;
};

struct Cluster {
  std::mutex mutex;
  std::map<std::string, PveNode> nodes;
  std::map<int, Vm> vms;

  // Nodes pve1..pveN with "local" (dir; iso, vztmpl, backup, snippets and, from PVE 8, import)
  // and "local-lvm" (lvmthin; images, rootdir).
  void populate(int node_count, bool with_import_content);
  Storage* storage(const std::string& node, const std::string& id);
  Volume* volume(const std::string& node, const std::string& volid);
};

// SHA-1 hex of the config as PVE would serialise it (the `digest` of GET config).
std::string config_digest(const Vm& vm);

}  // namespace pve_emu
