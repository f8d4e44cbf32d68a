// Plain values describing one emulated Talos machine: what it was powered on with, what is on
// its disk, its stage and services, and the faults injected into it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "machine/machine.pb.h"

namespace talos_emu {

// What the hypervisor gives the VM at power-on (admin API POST /v1/nodes).
struct NodeSpec {
  std::string address;  // the node's own loopback IP, e.g. 127.10.0.11
  std::string uuid;     // SMBIOS UUID
  int64_t memory_mib = 4096;
  int64_t disk_gib = 20;
  std::string talos_version = "v1.11.6";  // of the boot image (ISO)
  std::string schematic_id;
  std::vector<std::string> extensions;
  std::string platform = "nocloud";
};

struct Faults {
  bool unreachable = false;        // the node's ports refuse connections
  double slow_boot = 1.0;          // multiplies every boot delay
  bool upgrade_boots_bad = false;  // the next upgraded slot fails to boot (A/B fallback)
  std::string apply_fails;         // non-empty: ApplyConfiguration fails with this message
  bool etcd_member_stuck = false;  // this control plane never finishes joining etcd
};

// One A/B boot slot of the installed system disk.
struct Slot {
  std::string version;  // Talos version, "" = empty slot
  std::string schematic;
};

struct DiskState {
  bool installed = false;
  Slot slots[2];
  int active = 0;      // index of the default slot
  int boot_once = -1;  // slot to try on the next boot (upgrade), -1 = none
  std::string config_yaml;  // STATE partition; "" = no config
};

using Stage = machine::MachineStatusEvent::MachineStage;
const char* stage_name(Stage stage);  // "booting", "running", … as Talos renders them

struct ServiceRecord {
  std::string id;
  std::string state = "Initialized";  // Talos's service state names
  bool healthy = false;
  bool health_unknown = true;
  std::vector<machine::ServiceEvent> events;
};

struct UnmetCondition {
  std::string name, reason;
};

}  // namespace talos_emu
