// Shared state of one Proxmox emulator instance and the shape of its API handlers. The server
// (server.cc) authenticates, validates and checks permissions before a handler runs, so handlers
// only model behaviour.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "emulators/proxmox/api_schema.h"
#include "emulators/proxmox/cluster.h"
#include "emulators/proxmox/faults.h"
#include "emulators/proxmox/options.h"
#include "emulators/proxmox/param_validator.h"
#include "emulators/proxmox/reply.h"
#include "emulators/proxmox/talos_link.h"
#include "emulators/proxmox/tasks.h"
#include "emulators/proxmox/tokens.h"

namespace pve_emu {

struct Counters {
  std::mutex mutex;
  std::map<std::string, long long> requests;  // "GET /nodes/{node}/qemu" → n
  long long validation_passes = 0;  // requests whose parameters matched the schema
  long long validation_failures = 0;
  long long auth_failures = 0;
  long long permission_failures = 0;
  long long injected_errors = 0;
  long long dropped_connections = 0;
  long long vms_created = 0;
  long long vms_destroyed = 0;
  long long downloads = 0;
  long long talos_link_errors = 0;

  nlohmann::json describe();
};

struct Emulator {
  Emulator(EmulatorOptions o, PveVersion v, std::shared_ptr<const ApiSchema> s)
      : options(std::move(o)),
        version(std::move(v)),
        schema(std::move(s)),
        tokens(version.major),
        tasks(options.time_scale) {}

  EmulatorOptions options;
  PveVersion version;
  std::shared_ptr<const ApiSchema> schema;
  TokenStore tokens;
  Cluster cluster;
  TaskRegistry tasks;
  FaultInjector faults;
  Counters counters;
  std::optional<TalosLink> talos;
  std::string fingerprint;

  // Emulated seconds → real duration in ms, scaled by --time-scale.
  std::chrono::milliseconds scaled(double seconds) const {
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000 * options.time_scale));
  }
  // Schema properties of POST /nodes/{node}/qemu: the types of VM config keys.
  const nlohmann::json& vm_config_properties() const;
};

struct Call {
  std::string method;
  std::string schema_path;
  Params params;  // path placeholders included
  Principal who;

  const std::string& node() const { return params.at("node"); }
  int vmid() const { return std::stoi(params.at("vmid")); }
  std::string param(const std::string& name, const std::string& fallback = "") const {
    auto it = params.find(name);
    return it == params.end() ? fallback : it->second;
  }
  bool flag(const std::string& name) const { return param(name, "0") == "1"; }
};

using Handler = std::function<Reply(Emulator&, const Call&)>;
// (method, schema path) → handler
using HandlerTable = std::map<std::pair<std::string, std::string>, Handler>;

void register_cluster_handlers(HandlerTable& table);
void register_vm_handlers(HandlerTable& table);
void register_power_handlers(HandlerTable& table);
void register_storage_handlers(HandlerTable& table);
void register_task_handlers(HandlerTable& table);
void register_agent_handlers(HandlerTable& table);

long long now_epoch();

}  // namespace pve_emu
