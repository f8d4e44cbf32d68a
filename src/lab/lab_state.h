// What `talforge lab up` started and where, kept in <lab dir>/lab.json so that `lab status` and
// `lab down` (other processes, later) find it. Holds no secrets.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "util/result.h"

namespace lab {

struct LabProcess {
  std::string name;        // factory | talos | proxmox
  pid_t pid = 0;
  std::string executable;  // argv[0], to tell our process from a recycled pid
  std::string url;
  std::string log_file;
};

struct LabState {
  std::string dir;
  std::vector<LabProcess> processes;
  std::string proxmox_fingerprint;
  int pve_nodes = 2;
  std::string pve_version;
  double time_scale = 1.0;

  const LabProcess* find(const std::string& name) const;
};

std::string state_file(const std::string& dir);

util::Result<void> save_state(const LabState& state);
// NotFound when no lab was started in `dir`.
util::Result<LabState> load_state(const std::string& dir);

}  // namespace lab
