// engine::apply_plan — executes exactly the changes of a plan::Plan, in dependency order:
// schematic → boot images (per PVE node storage) → VMs (parallel, bounded per PVE node) → start →
// per node: maintenance mode → identity check → config → installed → Bootstrap once (re-checked
// right before) → cluster health (talos.md §7.1). Every step reports on Progress; the first
// failure stops the run with the node, the step and the API error.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "engine/observe.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "engine/node_bringup.h"
#include "kube/api.h"
#include "plan/model.h"
#include "proxmox/api.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace engine {

struct ApplyServices {
  proxmox::Api& pve;
  TalosDialer dial;
  TalosPortCheck talos_port_open;  // may be empty (then every wait for a node dials)
  // Registers the cluster's schematic with the Image Factory; the ID it answers.
  std::function<util::Result<std::string>()> register_schematic;
  // A fresh random SMBIOS UUID (lower case) for each new VM.
  std::function<util::Result<std::string>()> new_uuid;
  std::string boot_image_url;  // where PVE downloads the boot ISO from
  Progress& progress;
  // A Kubernetes API client through the control plane at an address (node removal).
  std::function<util::Result<std::unique_ptr<kube::Api>>(const std::string& address)> kube;
};

// What a Talos upgrade does to a node that fails it (falls back to its old slot, or fails the
// health gate on the new version): Talos's Rollback and back into service, or left as it is.
enum class UpgradeFailure { Rollback, Stop };

struct ApplyOptions {
  std::size_t vm_parallel_per_pve_node = 4;
  int first_vmid = 100;  // allocation starts here for nodes without a vmid
  WaitPolicy wait;
  std::chrono::seconds health_timeout{20 * 60};
  // Before a control plane leaves etcd (removal, replacement, a stale member): a snapshot into
  // this directory, of which the newest `etcd_backups_kept` are kept. Empty: no snapshot.
  std::string etcd_backup_dir;
  std::size_t etcd_backups_kept = 5;
  UpgradeFailure on_upgrade_failure = UpgradeFailure::Rollback;
  // Given to the user's upgrade gate command as KUBECONFIG when the file exists.
  std::string kubeconfig_file;
};

util::Result<void> apply_plan(const spec::Cluster& cluster, const plan::Desired& desired,
                              const plan::Observed& observed, const plan::Plan& plan,
                              ApplyServices& services, const ApplyOptions& options);

}  // namespace engine
