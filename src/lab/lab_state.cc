#include "lab/lab_state.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "util/file.h"

namespace lab {

using nlohmann::json;

const LabProcess* LabState::find(const std::string& name) const {
  for (const LabProcess& p : processes) {
    if (p.name == name) {
      return &p;
    }
  }
  return nullptr;
}

std::string state_file(const std::string& dir) {
  return dir + "/lab.json";
}

util::Result<void> save_state(const LabState& state) {
  json processes = json::array();
  for (const LabProcess& p : state.processes) {
    processes.push_back({{"name", p.name},
                         {"pid", p.pid},
                         {"executable", p.executable},
                         {"url", p.url},
                         {"log", p.log_file}});
  }
  const json doc = {{"processes", processes},
                    {"proxmox_fingerprint", state.proxmox_fingerprint},
                    {"pve_nodes", state.pve_nodes},
                    {"pve_version", state.pve_version},
                    {"time_scale", state.time_scale}};
  return util::write_file_atomic(state_file(state.dir), doc.dump(2) + "\n", 0644);
}

util::Result<LabState> load_state(const std::string& dir) {
  if (!std::filesystem::exists(state_file(dir))) {
    return util::Error::not_found(fmt::format("no lab was started in {}", dir))
        .with_hint("start one with `talforge lab up`");
  }
  ASSIGN_OR_RETURN(std::string text, util::read_file(state_file(dir)));
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.contains("processes")) {
    return util::Error::invalid_input(fmt::format("{} is not a lab state file", state_file(dir)))
        .with_hint("stop leftover emulators by hand and delete the file");
  }
  LabState state;
  state.dir = dir;
  for (const json& p : doc["processes"]) {
    state.processes.push_back({p.value("name", ""), p.value("pid", 0), p.value("executable", ""),
                               p.value("url", ""), p.value("log", "")});
  }
  state.proxmox_fingerprint = doc.value("proxmox_fingerprint", "");
  state.pve_nodes = doc.value("pve_nodes", 2);
  state.pve_version = doc.value("pve_version", "");
  state.time_scale = doc.value("time_scale", 1.0);
  return state;
}

}  // namespace lab
