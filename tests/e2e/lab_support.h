// A running `talforge lab` (Proxmox, Talos and Image Factory emulators) in a fresh directory,
// with a secrets bundle, for end-to-end tests of the real talforge binary.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include <nlohmann/json.hpp>

#include "process.h"
#include "proxmox/api.h"
#include "proxmox/client.h"
#include "talos/api.h"

namespace e2e {

class Lab {
 public:
  // Starts the lab (time scale 0.01 unless given) with its nodes on 127.10.<subnet>.0/24 (each
  // test its own subnet: tests run in parallel) and writes secrets.yaml; the token secret is put
  // into this process's environment, where talforge reads it (never into argv).
  // `faults`: the Proxmox fault profile of `lab up --faults` (none | flaky | slow).
  // `time_scale`: of every emulated duration (`lab up --time-scale`).
  explicit Lab(int subnet, const std::string& faults = "none",
               const std::string& time_scale = "0.01");
  ~Lab();
  Lab(const Lab&) = delete;
  Lab& operator=(const Lab&) = delete;

  const std::string& dir() const { return dir_; }
  const std::string& token_secret() const { return secret_; }
  // "127.10.<subnet>.<host>"
  std::string address(int host) const;

  // Edits cluster.yaml: drops the node entries named in `remove`, appends `add` (node lines).
  void edit_nodes(const std::vector<std::string>& remove, const std::string& add = "") const;

  // talforge <args…> run in the lab directory.
  testing_process::Run talforge(std::vector<std::string> args) const;
  // Starts talforge <args…> in the lab directory without waiting (output discarded); the pid.
  pid_t spawn_talforge(std::vector<std::string> args) const;
  // The real kubectl with out/kubeconfig (its server is the cluster VIP), or talking to `server`
  // (https://ip:6443) when given.
  testing_process::Run kubectl(const std::string& server, std::vector<std::string> args) const;

  // A Proxmox API client of the test's own (same token as talforge), e.g. to make a VM that does
  // not belong to the cluster.
  proxmox::Client& pve_client();
  proxmox::Api& pve();
  // A Talos API client of the test's own, with the talosconfig apply wrote (out/talosconfig).
  std::unique_ptr<talos::Api> talos_admin(const std::string& address) const;
  // POST to the Talos emulator's admin API; returns the HTTP status.
  long talos_admin_post(const std::string& path, const nlohmann::json& body) const;

  // GET from the Talos emulator's admin API: the JSON body, or null on any status but 200.
  nlohmann::json talos_admin_get(const std::string& path) const;
  nlohmann::json talos_counters() const;
  // The Talos emulator's nodes (GET /v1/nodes).
  nlohmann::json talos_nodes() const;
  nlohmann::json proxmox_counters() const;
  // Requests other than GET the Proxmox emulator has answered.
  int proxmox_mutating_requests() const;

 private:
  std::string url_of(const std::string& process) const;

  std::string dir_;
  int subnet_;
  std::unique_ptr<proxmox::Client> pve_client_;
  std::unique_ptr<proxmox::Api> pve_;
  std::string secret_;
};

}  // namespace e2e
