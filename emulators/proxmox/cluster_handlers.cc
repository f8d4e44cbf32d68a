// Cluster-wide reads: /version, /nodes, /nodes/{node}/status, /cluster/resources, /cluster/nextid
// (proxmox.md §2.1–2.5).
#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/vm_view.h"

namespace pve_emu {
namespace {

using nlohmann::json;

constexpr long long kNodeMemory = 64LL << 30;
constexpr long long kNodeDisk = 100LL << 30;

Reply version(Emulator& emu, const Call&) {
  return reply_data({{"version", emu.version.version},
                     {"release", fmt::format("{}.{}", emu.version.major, emu.version.minor)},
                     {"repoid", emu.version.repoid}});
}

json node_entry(const Emulator& emu, const PveNode& node) {
  json entry = {{"node", node.name},
                {"status", node.online ? "online" : "offline"},
                {"id", "node/" + node.name},
                {"type", "node"},
                {"level", ""},
                {"maxcpu", 16},
                {"maxmem", kNodeMemory},
                {"maxdisk", kNodeDisk}};
  if (node.online) {
    entry["uptime"] = 86400;
    entry["cpu"] = 0.02;
    entry["mem"] = kNodeMemory / 8;
    entry["disk"] = kNodeDisk / 10;
  }
  return entry;
}

Reply nodes(Emulator& emu, const Call&) {
  std::lock_guard lock(emu.cluster.mutex);
  json list = json::array();
  for (const auto& [name, node] : emu.cluster.nodes) {
    json entry = node_entry(emu, node);
    entry["ssl_fingerprint"] = emu.fingerprint;
    list.push_back(entry);
  }
  return reply_data(list);
}

Reply node_status(Emulator& emu, const Call& call) {
  const std::string pveversion =
      fmt::format("pve-manager/{}/{}", emu.version.version, emu.version.repoid);
  json status = {
      {"uptime", 86400},
      {"idle", 0},
      {"wait", 0},
      {"cpu", 0.02},
      {"loadavg", {"0.10", "0.08", "0.05"}},
      {"cpuinfo",
       {{"model", "Emulated CPU"}, {"cores", 8}, {"cpus", 16}, {"sockets", 1},
        {"mhz", "3400.000"}, {"hvm", "1"}, {"flags", "fpu sse sse2 ssse3 sse4_1 sse4_2 avx"},
        {"user_hz", 100}}},
      {"memory", {{"total", kNodeMemory}, {"used", kNodeMemory / 8}, {"free", kNodeMemory / 8 * 7}}},
      {"swap", {{"total", 0}, {"used", 0}, {"free", 0}}},
      {"ksm", {{"shared", 0}}},
      {"rootfs",
       {{"total", kNodeDisk}, {"used", kNodeDisk / 10}, {"free", kNodeDisk / 10 * 9},
        {"avail", kNodeDisk / 10 * 9}}},
      {"kversion", "Linux 6.8.12-4-pve #1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4"},
      {"pveversion", pveversion}};
  if (emu.version.at_least(8, 1)) {
    status["current-kernel"] = {{"sysname", "Linux"},
                                {"release", "6.8.12-4-pve"},
                                {"version", "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-4"},
                                {"machine", "x86_64"}};
    status["boot-info"] = {{"mode", "efi"}, {"secureboot", false}};
  }
  if (emu.version.major >= 9) {
    status["memory"]["available"] = kNodeMemory / 8 * 7;
  }
  (void)call;
  return reply_data(status);
}

Reply resources(Emulator& emu, const Call& call) {
  const std::string type = call.param("type");
  std::lock_guard lock(emu.cluster.mutex);
  json list = json::array();
  if (type.empty() || type == "vm") {
    for (const auto& [vmid, vm] : emu.cluster.vms) {
      list.push_back(vm_resource_json(vm));
    }
  }
  if (type.empty() || type == "node") {
    for (const auto& [name, node] : emu.cluster.nodes) {
      json entry = node_entry(emu, node);
      entry["cgroup-mode"] = 2;
      list.push_back(entry);
    }
  }
  if (type.empty() || type == "storage") {
    for (const auto& [name, node] : emu.cluster.nodes) {
      for (const auto& [id, storage] : node.storages) {
        std::string content;
        for (const std::string& c : storage.content) {
          content += (content.empty() ? "" : ",") + c;
        }
        list.push_back({{"id", fmt::format("storage/{}/{}", name, id)},
                        {"type", "storage"},
                        {"storage", id},
                        {"node", name},
                        {"plugintype", storage.type},
                        {"status", node.online ? "available" : "unknown"},
                        {"shared", 0},
                        {"content", content},
                        {"disk", storage.used()},
                        {"maxdisk", storage.total}});
      }
    }
  }
  return reply_data(list);
}

Reply nextid(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  if (call.params.contains("vmid")) {
    const int vmid = call.vmid();
    if (emu.cluster.vms.contains(vmid)) {
      return reply_param_error("vmid", fmt::format("VM {} already exists", vmid));
    }
    return reply_data(std::to_string(vmid));
  }
  for (int vmid = 100; vmid < 1000000; ++vmid) {
    if (!emu.cluster.vms.contains(vmid)) {
      return reply_data(std::to_string(vmid));
    }
  }
  return reply_error(500, "unable to get any free VMID in range [100, 1000000]");
}

// The caller's effective privileges; the emulator grants a token's privileges on every path.
Reply permissions(Emulator& emu, const Call& call) {
  json privileges = json::object();
  for (const std::string& priv : call.who.privileges) {
    privileges[priv] = 1;
  }
  json data = json::object();
  const std::string only = call.param("path");
  for (const char* path : {"/", "/vms", "/storage", "/nodes", "/sdn", "/pool", "/mapping"}) {
    if (only.empty() || only == path) {
      data[path] = privileges;
    }
  }
  if (!only.empty() && data.empty()) {
    data[only] = privileges;
  }
  (void)emu;
  return reply_data(data);
}

}  // namespace

void register_cluster_handlers(HandlerTable& table) {
  table[{"GET", "/access/permissions"}] = permissions;
  table[{"GET", "/version"}] = version;
  table[{"GET", "/nodes"}] = nodes;
  table[{"GET", "/nodes/{node}/status"}] = node_status;
  table[{"GET", "/cluster/resources"}] = resources;
  table[{"GET", "/cluster/nextid"}] = nextid;
}

}  // namespace pve_emu
