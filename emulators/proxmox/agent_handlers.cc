// QEMU guest agent endpoints (proxmox.md §2.13). The emulated agent answers only when the config
// enables it, the VM runs, its boot image's schematic has siderolabs/qemu-guest-agent, and the
// guest has had time to boot (2 emulated seconds).
#include <fmt/format.h>

#include "emulators/proxmox/boot_image.h"
#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/param_validator.h"
#include "emulators/proxmox/property_string.h"
#include "emulators/proxmox/vm_drives.h"
#include "emulators/proxmox/vm_lifecycle.h"

namespace pve_emu {
namespace {

using nlohmann::json;

constexpr double kAgentBootSeconds = 2;

// nullopt when the agent answers; else PVE's error Reply. Caller holds cluster.mutex.
std::optional<Reply> agent_unavailable(Emulator& emu, const Call& call, Vm** out) {
  Vm* vm = find_vm(emu, call.node(), call.vmid());
  if (vm == nullptr) {
    return reply_error(500, config_missing_text(call.node(), call.vmid()));
  }
  bool enabled = false;
  if (auto agent = vm->config.find("agent"); agent != vm->config.end()) {
    parse_bool_text(
        parse_property_string(agent->second, "enabled").value.get("enabled").value_or("0"),
        &enabled);
  }
  if (!enabled) {
    return reply_error(500, "No QEMU guest agent configured");
  }
  if (!vm->running) {
    return reply_error(500, fmt::format("VM {} is not running", call.vmid()));
  }
  std::optional<BootImage> image = vm_boot_image(emu.cluster, *vm);
  const bool booted = std::chrono::steady_clock::now() - vm->booted_at >=
                      emu.scaled(kAgentBootSeconds);
  if (!image || !image->has_extension("siderolabs/qemu-guest-agent") || !booted) {
    return reply_error(500, "QEMU guest agent is not running");
  }
  *out = vm;
  return std::nullopt;
}

json interface_json(const std::string& name, const std::string& mac, json addresses) {
  return {{"name", name},
          {"hardware-address", mac},
          {"ip-addresses", std::move(addresses)},
          {"statistics",
           {{"rx-bytes", 163244}, {"rx-packets", 1623}, {"rx-errs", 0}, {"rx-dropped", 0},
            {"tx-bytes", 163244}, {"tx-packets", 1623}, {"tx-errs", 0}, {"tx-dropped", 0}}}};
}

// fe80::/64 address from a MAC by EUI-64.
std::string link_local(const std::string& mac) {
  unsigned b[6] = {};
  if (std::sscanf(mac.c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) {
    return "fe80::1";
  }
  return fmt::format("fe80::{:x}:{:x}ff:fe{:02x}:{:x}", ((b[0] ^ 2) << 8) | b[1], b[2], b[3],
                     (b[4] << 8) | b[5]);
}

Reply network_interfaces(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = nullptr;
  if (auto error = agent_unavailable(emu, call, &vm)) {
    return *error;
  }
  json result = json::array();
  result.push_back(interface_json(
      "lo", "00:00:00:00:00:00",
      {{{"ip-address", "127.0.0.1"}, {"ip-address-type", "ipv4"}, {"prefix", 8}},
       {{"ip-address", "::1"}, {"ip-address-type", "ipv6"}, {"prefix", 128}}}));
  for (int n = 0; n < 32; ++n) {
    auto net = vm->config.find(fmt::format("net{}", n));
    if (net == vm->config.end()) {
      continue;
    }
    PropertyString p = parse_property_string(net->second, "model").value;
    std::string mac = p.items.empty() ? "" : p.items.front().second;
    std::transform(mac.begin(), mac.end(), mac.begin(), ::tolower);
    json addresses = json::array();
    if (auto ipconfig = vm->config.find(fmt::format("ipconfig{}", n));
        ipconfig != vm->config.end()) {
      const std::string ip =
          parse_property_string(ipconfig->second, "").value.get("ip").value_or("");
      if (!ip.empty() && ip != "dhcp" && ip.find('/') != std::string::npos) {
        addresses.push_back({{"ip-address", ip.substr(0, ip.find('/'))},
                             {"ip-address-type", "ipv4"},
                             {"prefix", std::stoi(ip.substr(ip.find('/') + 1))}});
      }
    }
    addresses.push_back(
        {{"ip-address", link_local(mac)}, {"ip-address-type", "ipv6"}, {"prefix", 64}});
    result.push_back(interface_json(fmt::format("eth{}", n), mac, addresses));
  }
  return reply_data({{"result", result}});
}

Reply ping(Emulator& emu, const Call& call) {
  std::lock_guard lock(emu.cluster.mutex);
  Vm* vm = nullptr;
  if (auto error = agent_unavailable(emu, call, &vm)) {
    return *error;
  }
  return reply_data({{"result", json::object()}});
}

}  // namespace

void register_agent_handlers(HandlerTable& table) {
  table[{"GET", "/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces"}] = network_interfaces;
  table[{"POST", "/nodes/{node}/qemu/{vmid}/agent/ping"}] = ping;
}

}  // namespace pve_emu
