#include "lab/lab_estate.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include "lab/lab_cluster.h"
#include "lab/local_http.h"
#include "util/file.h"
#include "util/process.h"

namespace lab {
namespace {

using nlohmann::json;
using util::Error;
using util::Result;

constexpr std::chrono::milliseconds kStopGrace{5000};

std::string random_uuid() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    hex += fmt::format("{}{:02x}", (i == 4 || i == 6 || i == 8 || i == 10) ? "-" : "", b[i]);
  }
  return hex;
}

std::string after(const std::string& line, const std::string& prefix) {
  return line.rfind(prefix, 0) == 0 ? line.substr(prefix.size()) : "";
}

bool still_ours(const LabProcess& p) {
  return util::process_alive(p.pid) && util::process_executable(p.pid) == p.executable;
}

// Starts one emulator and waits for the lines it prints once it serves.
Result<std::vector<std::string>> start_emulator(LabState& state, const std::string& name,
                                                std::vector<std::string> argv, size_t ready_lines,
                                                const LabOptions& options) {
  const std::string log = state.dir + "/logs/" + name + ".log";
  std::filesystem::remove(log);
  ASSIGN_OR_RETURN(pid_t pid, util::spawn_detached(argv, log));
  state.processes.push_back({name, pid, argv[0], "", log});
  return util::wait_for_output_lines(pid, log, ready_lines, options.ready_timeout);
}

Result<void> write_token_files(const LabState& state, const std::string& secret) {
  const json tokens = {{"tokens", json::array({{{"id", kLabTokenId},
                                                {"secret", secret},
                                                {"roles", json::array({"Administrator"})}}})}};
  RETURN_IF_ERROR(util::write_file_atomic(state.dir + "/tokens.json", tokens.dump(2) + "\n",
                                          util::kSecretFileMode));
  return util::write_file_atomic(state.dir + "/proxmox.env",
                                 fmt::format("export {}={}\n", kLabTokenEnv, secret),
                                 util::kSecretFileMode);
}

json fault_profile(const std::string& name) {
  if (name == "flaky") {
    return {{"error_rate", 0.2}, {"lock_contention_rate", 0.1}, {"seed", 42}};
  }
  if (name == "slow") {
    return {{"slow_task_factor", 5}};
  }
  return json::object();
}

Result<void> start_all(LabState& state, const LabOptions& options, std::ostream& progress) {
  const std::string bin = options.emulator_dir + "/";
  ASSIGN_OR_RETURN(
      std::vector<std::string> factory,
      start_emulator(state, "factory", {bin + "factory-emulator", "--listen", "127.0.0.1:0"}, 1,
                     options));
  state.processes.back().url = after(factory[0], "factory emulator listening on ");
  progress << "  image factory  " << state.processes.back().url << "\n";

  const std::string scale = fmt::format("{}", options.time_scale);
  ASSIGN_OR_RETURN(
      std::vector<std::string> talos,
      start_emulator(state, "talos",
                     {bin + "talos-emulator", "--admin", "127.0.0.1:0", "--time-scale", scale}, 1,
                     options));
  state.processes.back().url = talos[0];
  progress << "  talos nodes    " << talos[0] << " (admin API)\n";

  const std::string secret = random_uuid();
  RETURN_IF_ERROR(write_token_files(state, secret));
  ASSIGN_OR_RETURN(std::vector<std::string> pve,
                   start_emulator(state, "proxmox",
                                  {bin + "proxmox-emulator", "--listen", "127.0.0.1:0", "--nodes",
                                   std::to_string(options.pve_nodes), "--pve-version",
                                   options.pve_version, "--time-scale", scale, "--talos-admin",
                                   talos[0], "--tokens", state.dir + "/tokens.json"},
                                  2, options));
  state.processes.back().url = after(pve[0], "proxmox emulator listening on ");
  state.proxmox_fingerprint = after(pve[1], "fingerprint ");
  progress << "  proxmox VE " << options.pve_version << "  " << state.processes.back().url << " ("
           << options.pve_nodes << " nodes)\n";
  if (options.faults != "none") {
    ASSIGN_OR_RETURN(LocalReply r,
                     local_request("POST", state.processes.back().url + "/_emulator/faults",
                                   fault_profile(options.faults).dump()));
    if (r.status != 200) {
      return Error::internal(
          fmt::format("the Proxmox emulator refused the fault profile: {}", r.body));
    }
    progress << "  faults         " << options.faults << "\n";
  }
  return {};
}

}  // namespace

Result<LabState> lab_up(const LabOptions& options, std::ostream& progress) {
  if (Result<LabState> running = load_state(options.dir); running.ok()) {
    for (const LabProcess& p : running->processes) {
      if (still_ours(p)) {
        return Error::conflict(fmt::format("a lab is already running in {} ({} emulator at {}, "
                                           "pid {})",
                                           options.dir, p.name, p.url, p.pid))
            .with_hint("use it as it is (`talforge lab status`), or `talforge lab down` first");
      }
    }
  }
  if (options.faults != "none" && options.faults != "flaky" && options.faults != "slow") {
    return Error::invalid_input(fmt::format("unknown fault profile \"{}\"", options.faults))
        .with_hint("use none, flaky (20% 5xx and lock contention) or slow (tasks 5x slower)");
  }
  std::error_code ec;
  std::filesystem::create_directories(options.dir + "/logs", ec);
  if (ec) {
    return Error::io(fmt::format("cannot create {}: {}", options.dir, ec.message()));
  }
  LabState state;
  state.dir = options.dir;
  state.pve_nodes = options.pve_nodes;
  state.pve_version = options.pve_version;
  state.time_scale = options.time_scale;
  progress << "starting the lab in " << options.dir << ":\n";
  if (Result<void> started = start_all(state, options, progress); !started.ok()) {
    for (auto it = state.processes.rbegin(); it != state.processes.rend(); ++it) {
      util::stop_process(it->pid, kStopGrace);
    }
    return std::move(started).error();
  }
  RETURN_IF_ERROR(save_state(state));
  LabClusterInputs inputs;
  inputs.proxmox_url = state.find("proxmox")->url;
  inputs.proxmox_fingerprint = state.proxmox_fingerprint;
  inputs.token_id = kLabTokenId;
  inputs.token_env = kLabTokenEnv;
  inputs.factory_url = state.find("factory")->url;
  inputs.pve_nodes = options.pve_nodes;
  inputs.subnet = options.subnet;
  RETURN_IF_ERROR(
      util::write_file_atomic(options.dir + "/cluster.yaml", lab_cluster_yaml(inputs), 0644));
  return state;
}

Result<void> lab_down(const std::string& dir, std::ostream& progress) {
  Result<LabState> state = load_state(dir);
  if (!state.ok()) {
    if (state.error().code == util::ErrorCode::NotFound) {
      progress << "no lab is running in " << dir << "\n";
      return {};
    }
    return std::move(state).error();
  }
  std::vector<std::string> stuck;
  for (auto it = state->processes.rbegin(); it != state->processes.rend(); ++it) {
    if (!still_ours(*it)) {
      progress << "  " << it->name << " was not running\n";
      continue;
    }
    if (util::stop_process(it->pid, kStopGrace)) {
      progress << "  stopped " << it->name << " (pid " << it->pid << ")\n";
    } else {
      stuck.push_back(fmt::format("{} (pid {})", it->name, it->pid));
    }
  }
  if (!stuck.empty()) {
    std::string list;
    for (const std::string& s : stuck) {
      list += (list.empty() ? "" : ", ") + s;
    }
    return Error::internal(fmt::format("could not stop {}", list))
        .with_hint("kill them by hand; lab.json is kept until they are gone");
  }
  std::filesystem::remove(state_file(dir));
  return {};
}

Result<std::string> lab_status(const std::string& dir) {
  ASSIGN_OR_RETURN(LabState state, load_state(dir));
  std::string out = fmt::format("{:<10} {:<8} {:<8} {}\n", "EMULATOR", "PID", "STATE", "URL");
  for (const LabProcess& p : state.processes) {
    out += fmt::format("{:<10} {:<8} {:<8} {}\n", p.name, p.pid,
                       still_ours(p) ? "running" : "stopped", p.url);
  }
  const LabProcess* talos = state.find("talos");
  if (talos == nullptr || !still_ours(*talos)) {
    return out;
  }
  ASSIGN_OR_RETURN(LocalReply nodes, local_request("GET", talos->url + "/v1/nodes"));
  const json list = json::parse(nodes.body, nullptr, false);
  const json items = list.is_object() && list.contains("nodes") ? list["nodes"] : list;
  if (!items.is_array() || items.empty()) {
    return out + "\nno Talos node is powered on yet (talforge apply creates and starts the VMs)\n";
  }
  out +=
      fmt::format("\n{:<14} {:<13} {:<6} {:<12} {}\n", "NODE", "STAGE", "READY", "ROLE", "TALOS");
  for (const json& n : items) {
    out += fmt::format("{:<14} {:<13} {:<6} {:<12} {}\n", n.value("address", "?"),
                       n.value("stage", "?"), n.value("ready", false) ? "yes" : "no",
                       n.value("role", "-"), n.value("talos_version", "?"));
  }
  return out;
}

}  // namespace lab
