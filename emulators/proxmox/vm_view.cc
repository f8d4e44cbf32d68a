#include "emulators/proxmox/vm_view.h"

#include <regex>

#include <fmt/format.h>

#include "emulators/proxmox/emulator.h"
#include "emulators/proxmox/property_string.h"

namespace pve_emu {

using nlohmann::json;

bool is_disk_key(const std::string& key) {
  static const std::regex kDisk(R"((ide|sata|scsi|virtio)\d+|efidisk0|tpmstate0)");
  return std::regex_match(key, kDisk);
}

long long parse_size(const std::string& text) {
  static const std::regex kSize(R"((\d+(?:\.\d+)?)([KMGT]?))");
  std::smatch m;
  if (!std::regex_match(text, m, kSize)) {
    return -1;
  }
  double value = std::stod(m[1]);
  const std::string unit = m[2];
  const char* units = "KMGT";
  for (int i = 0; i < 4; ++i) {
    if (unit.size() == 1 && unit[0] == units[i]) {
      value *= static_cast<double>(1LL << (10 * (i + 1)));
    }
  }
  return static_cast<long long>(value);
}

std::string format_size(long long bytes) {
  const char* units[] = {"T", "G", "M", "K"};
  const int shifts[] = {40, 30, 20, 10};
  for (int i = 0; i < 4; ++i) {
    if (bytes >= (1LL << shifts[i]) && bytes % (1LL << shifts[i]) == 0) {
      return fmt::format("{}{}", bytes >> shifts[i], units[i]);
    }
  }
  return std::to_string(bytes);
}

json config_json(const Emulator& emu, const std::map<std::string, std::string>& config) {
  const json& properties = emu.vm_config_properties();
  json out = json::object();
  for (const auto& [key, value] : config) {
    const json* prop = find_property(properties, key);
    const std::string type = prop == nullptr ? "string" : prop->value("type", "string");
    if ((type == "integer" || type == "boolean") && std::regex_match(value, std::regex(R"(-?\d+)"))) {
      out[key] = std::stoll(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

long long memory_mib(const Vm& vm) {
  auto it = vm.config.find("memory");
  if (it == vm.config.end()) {
    return 512;
  }
  ParsedPropertyString p = parse_property_string(it->second, "current");
  auto current = p.value.get("current");
  return current ? std::atoll(current->c_str()) : 512;
}

long long boot_disk_bytes(const Vm& vm) {
  for (const auto& [key, value] : vm.config) {
    if (!is_disk_key(key) || key == "efidisk0" || key == "tpmstate0") {
      continue;
    }
    ParsedPropertyString p = parse_property_string(value, "file");
    if (p.value.get("media").value_or("disk") == "cdrom") {
      continue;
    }
    if (auto size = p.value.get("size")) {
      return parse_size(*size);
    }
  }
  return 0;
}

json vm_status_json(const Vm& vm, bool full) {
  const long long uptime = vm.running ? std::max(1LL, now_epoch() - vm.started_at) : 0;
  long long cpus = 1;
  if (auto c = vm.config.find("cores"); c != vm.config.end()) {
    cpus = std::atoll(c->second.c_str());
  }
  if (auto s = vm.config.find("sockets"); s != vm.config.end()) {
    cpus *= std::atoll(s->second.c_str());
  }
  const long long maxmem = memory_mib(vm) << 20;
  json status = {{"vmid", vm.vmid},         {"status", vm.running ? "running" : "stopped"},
                 {"name", vm.name()},        {"cpus", cpus},
                 {"maxmem", maxmem},         {"maxdisk", boot_disk_bytes(vm)},
                 {"disk", 0},                {"cpu", vm.running ? 0.012 : 0},
                 {"mem", vm.running ? maxmem / 3 : 0},
                 {"uptime", uptime},         {"netin", vm.running ? 1024 * uptime : 0},
                 {"netout", vm.running ? 512 * uptime : 0},
                 {"diskread", 0},            {"diskwrite", 0}};
  if (vm.running) {
    status["pid"] = 100000 + vm.vmid;
  }
  if (!vm.lock().empty()) {
    status["lock"] = vm.lock();
  }
  if (auto tags = vm.config.find("tags"); tags != vm.config.end()) {
    status["tags"] = tags->second;
  }
  if (vm.config.contains("template") && vm.config.at("template") == "1") {
    status["template"] = 1;
  }
  if (full) {
    status["qmpstatus"] = vm.qmpstatus;
    status["ha"] = {{"managed", 0}};
    if (vm.config.contains("agent")) {
      ParsedPropertyString agent = parse_property_string(vm.config.at("agent"), "enabled");
      const std::string enabled = agent.value.get("enabled").value_or("0");
      status["agent"] = (enabled == "1" || enabled == "on" || enabled == "yes" || enabled == "true")
                            ? 1
                            : 0;
    }
    for (const auto& [key, value] : vm.config) {
      if (key.rfind("serial", 0) == 0) {
        status["serial"] = 1;
      }
    }
    if (vm.running) {
      status["running-machine"] = "pc-q35-9.0+pve0";
      status["running-qemu"] = "9.0.2";
      status["balloon"] = maxmem;
      status["freemem"] = maxmem / 2;
    }
  }
  return status;
}

json vm_resource_json(const Vm& vm) {
  json r = vm_status_json(vm, false);
  json out = {{"id", fmt::format("qemu/{}", vm.vmid)},
              {"type", "qemu"},
              {"vmid", vm.vmid},
              {"node", vm.node},
              {"status", r["status"]},
              {"name", r["name"]},
              {"template", vm.config.contains("template") && vm.config.at("template") == "1" ? 1 : 0},
              {"uptime", r["uptime"]},
              {"cpu", r["cpu"]},
              {"maxcpu", r["cpus"]},
              {"mem", r["mem"]},
              {"maxmem", r["maxmem"]},
              {"disk", 0},
              {"maxdisk", r["maxdisk"]},
              {"netin", r["netin"]},
              {"netout", r["netout"]},
              {"diskread", 0},
              {"diskwrite", 0}};
  if (r.contains("tags")) {
    out["tags"] = r["tags"];
  }
  if (r.contains("lock")) {
    out["lock"] = r["lock"];
  }
  return out;
}

}  // namespace pve_emu
