// engine::apply_plan (see apply.h).
#include "engine/apply.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "engine/cluster_health.h"
#include "engine/drained_work.h"
#include "engine/etcd_backup.h"
#include "engine/kubernetes_upgrade.h"
#include "engine/manifest_sync.h"
#include "engine/node_bringup.h"
#include "engine/node_removal.h"
#include "engine/talos_upgrade.h"
#include "engine/vm_request.h"
#include "spec/talos_upgrade_path.h"
#include "talos/cluster_configs.h"
#include "util/file.h"
#include "util/parallel.h"
#include "util/run_command.h"

namespace engine {
namespace {

using plan::Change;
using plan::ChangeKind;
using plan::Subject;

// A guest shutdown that takes longer becomes a hard stop (Talos stops its services in seconds).
constexpr int kShutdownTimeoutSeconds = 180;

// The first error of several parallel jobs (the others finish their current call and stop).
class FirstError {
 public:
  void record(util::Error error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) {
      error_ = std::move(error);
    }
  }
  bool failed() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_.has_value();
  }
  util::Result<void> result() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (error_) {
      return *error_;
    }
    return {};
  }

 private:
  std::mutex mutex_;
  std::optional<util::Error> error_;
};

// Runs `job` for each item, in parallel; a failure is reported on the item's step and stops
// items not started yet.
template <typename Item>
util::Result<void> for_each_parallel(const std::vector<Item>& items, std::size_t parallel,
                                     const std::function<util::Result<void>(const Item&)>& job) {
  FirstError first;
  util::parallel_for(items.size(), parallel, [&](std::size_t i) {
    if (first.failed()) {
      return;
    }
    util::Result<void> r = job(items[i]);
    if (!r.ok()) {
      first.record(std::move(r).error());
    }
  });
  return first.result();
}

// Holds one unit of a counting semaphore for a scope.
class Slot {
 public:
  explicit Slot(std::counting_semaphore<>& semaphore) : semaphore_(semaphore) {
    semaphore_.acquire();
  }
  ~Slot() { semaphore_.release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  std::counting_semaphore<>& semaphore_;
};

class Applier {
 public:
  Applier(const spec::Cluster& cluster, const plan::Desired& desired,
          const plan::Observed& observed, ApplyServices& services, const ApplyOptions& options)
      : cluster_(cluster),
        desired_(desired),
        observed_(observed),
        s_(services),
        options_(options) {
    node_wait_ = options.wait;
    node_wait_.abandon = &abandon_;
  }

  util::Result<void> run(const plan::Plan& plan) {
    if (std::any_of(plan.changes.begin(), plan.changes.end(), [](const Change& c) {
          return c.subject == Subject::BootImage ||
                 (c.subject == Subject::Vm && c.kind == ChangeKind::Create);
        })) {
      RETURN_IF_ERROR(register_schematic());
    }
    RETURN_IF_ERROR(boot_images(of(plan, Subject::BootImage)));
    RETURN_IF_ERROR(update_vms(of(plan, Subject::Vm, ChangeKind::Update)));
    ASSIGN_OR_RETURN(vmids_, allocate_vmids(of(plan, Subject::Vm, ChangeKind::Create)));
    // A member without VM goes before bring-up: a control plane built again under its name
    // must join as a new member.
    RETURN_IF_ERROR(remove_stale_members(of(plan, Subject::EtcdMember, ChangeKind::Delete)));
    RETURN_IF_ERROR(bring_up(plan));
    // Before any health gate: those want every node schedulable.
    RETURN_IF_ERROR(return_left_cordoned(of(plan, Subject::Uncordon)));
    RETURN_IF_ERROR(restart_for_pending_hardware());
    RETURN_IF_ERROR(upgrade_talos(of(plan, Subject::Talos)));
    RETURN_IF_ERROR(upgrade_kubernetes(of(plan, Subject::Kubernetes)));
    if (!of(plan, Subject::Manifests).empty()) {
      RETURN_IF_ERROR(sync_manifests());
    }
    RETURN_IF_ERROR(replace_vms(of(plan, Subject::Vm, ChangeKind::Replace)));
    RETURN_IF_ERROR(remove_nodes(of(plan, Subject::Vm, ChangeKind::Delete)));
    if (!plan.empty()) {
      RETURN_IF_ERROR(health());
    }
    return {};
  }

 private:
  static std::vector<Change> of(const plan::Plan& plan, Subject subject,
                                std::optional<ChangeKind> kind = std::nullopt) {
    std::vector<Change> out;
    for (const Change& c : plan.changes) {
      if (c.subject == subject && (!kind || c.kind == *kind)) {
        out.push_back(c);
      }
    }
    return out;
  }

  const spec::Node& node(const std::string& name) const {
    for (const spec::Node& n : cluster_.nodes) {
      if (n.name == name) {
        return n;
      }
    }
    TALFORGE_ASSERT(false && "plan names a node that cluster.yaml does not have");
    return cluster_.nodes.front();
  }

  const plan::DesiredNode& desired(const std::string& name) const {
    for (const plan::DesiredNode& n : desired_.nodes) {
      if (n.name == name) {
        return n;
      }
    }
    TALFORGE_ASSERT(false && "plan names a node that is not desired");
    return desired_.nodes.front();
  }

  // Name → address of every control plane: cluster.yaml's and those only Proxmox still has.
  std::map<std::string, std::string> control_planes_by_name() const {
    std::map<std::string, std::string> out;
    for (const plan::ObservedVm& vm : observed_.vms) {
      if (vm.role == spec::NodeRole::ControlPlane) {
        out[vm.node] = vm.vm.address;
      }
    }
    for (const spec::Node* cp : cluster_.control_planes()) {
      out[cp->name] = cp->address;
    }
    return out;
  }

  std::vector<std::string> control_plane_addresses(const std::string& except = {}) const {
    std::vector<std::string> out;
    for (const spec::Node* cp : cluster_.control_planes()) {
      if (cp->name != except) {
        out.push_back(cp->address);
      }
    }
    return out;
  }

  // One node at a time, after the rest of the cluster is up: the old VM is removed like a
  // deleted node (quorum-checked for a control plane), then the node is built again.
  util::Result<void> replace_vms(const std::vector<Change>& replaces) {
    RemovalServices removal{s_.pve, s_.dial, s_.kube, s_.progress};
    for (const Change& c : replaces) {
      const plan::ObservedVm* vm = observed_.vm_of(c.target);
      TALFORGE_ASSERT(vm != nullptr);
      if (vm->role == spec::NodeRole::ControlPlane) {
        RETURN_IF_ERROR(backup_etcd());
      }
      RETURN_IF_ERROR(remove_node(*vm, control_plane_addresses(c.target), control_planes_by_name(),
                                  removal, options_.wait));
      const spec::Node& n = node(c.target);
      int vmid = n.vmid.value_or(0);
      if (vmid == 0) {
        ASSIGN_OR_RETURN(vmid, s_.pve.free_vmid(options_.first_vmid));
      }
      {
        Slot slot(*pve_slots_.at(n.pve_node));
        RETURN_IF_ERROR(create_vm(n, vmid));
      }
      RETURN_IF_ERROR(configure_one(n.name));
    }
    return {};
  }

  // Members whose VM is gone, one at a time, each checked against the quorum left.
  util::Result<void> remove_stale_members(const std::vector<Change>& deletes) {
    RemovalServices removal{s_.pve, s_.dial, s_.kube, s_.progress};
    for (const Change& c : deletes) {
      RETURN_IF_ERROR(backup_etcd());
      RETURN_IF_ERROR(remove_stale_etcd_member(c.target, control_plane_addresses(),
                                               control_planes_by_name(), removal));
    }
    return {};
  }

  // Workers first, then control planes, one node at a time: each control plane's removal is
  // checked against the etcd quorum that is left after the previous one.
  util::Result<void> remove_nodes(const std::vector<Change>& deletes) {
    std::vector<const plan::ObservedVm*> order;
    for (spec::NodeRole role : {spec::NodeRole::Worker, spec::NodeRole::ControlPlane}) {
      for (const Change& c : deletes) {
        const plan::ObservedVm* vm = observed_.vm_of(c.target);
        TALFORGE_ASSERT(vm != nullptr);
        if (vm->role == role) {
          order.push_back(vm);
        }
      }
    }
    const std::vector<std::string> staying = control_plane_addresses();
    const std::map<std::string, std::string> every_control_plane = control_planes_by_name();
    RemovalServices removal{s_.pve, s_.dial, s_.kube, s_.progress};
    for (const plan::ObservedVm* vm : order) {
      if (vm->role == spec::NodeRole::ControlPlane) {
        RETURN_IF_ERROR(backup_etcd());
      }
      RETURN_IF_ERROR(remove_node(*vm, staying, every_control_plane, removal, options_.wait));
    }
    return {};
  }

  // Once per run, before the first control plane leaves etcd: a snapshot to go back to.
  util::Result<void> backup_etcd() {
    if (options_.etcd_backup_dir.empty() || etcd_backed_up_) {
      return {};
    }
    auto step = s_.progress.start(cluster_.name, "etcd.backup");
    util::Result<SnapshotFile> saved = save_etcd_backup();
    if (!saved.ok()) {
      step.fail(saved.error().describe());
      return std::move(saved).error().with_context(
          "take an etcd snapshot before a control plane leaves");
    }
    etcd_backed_up_ = true;
    step.finish(fmt::format("{} ({} bytes)", saved->path, saved->bytes));
    return {};
  }

  util::Result<SnapshotFile> save_etcd_backup() {
    const std::string& dir = options_.etcd_backup_dir;
    RETURN_IF_ERROR(util::make_dirs(dir, 0700));
    util::Error last = util::Error::unavailable("no control plane answered");
    for (const spec::Node* cp : cluster_.control_planes()) {
      util::Result<std::unique_ptr<talos::Api>> api =
          s_.dial(cp->address, talos::ConnectMode::Secure);
      util::Result<SnapshotFile> saved =
          api.ok() ? save_etcd_snapshot(**api, etcd_backup_path(dir, std::chrono::system_clock::now()))
                   : util::Result<SnapshotFile>(api.error());
      if (saved.ok()) {
        RETURN_IF_ERROR(rotate_etcd_backups(dir, options_.etcd_backups_kept));
        return saved;
      }
      last = std::move(saved).error().with_context(cp->name);
    }
    return last;
  }

  util::Result<void> register_schematic() {
    auto step = s_.progress.start(cluster_.name, "factory.schematic");
    util::Result<std::string> id = s_.register_schematic();
    if (!id.ok()) {
      step.fail(id.error().describe());
      return std::move(id).error().with_context("register the schematic with the Image Factory");
    }
    step.finish(*id);
    return {};
  }

  util::Result<void> boot_images(const std::vector<Change>& changes) {
    return for_each_parallel<Change>(changes, changes.size(), [&](const Change& c) {
      const std::string pve_node = c.target.substr(0, c.target.find('/'));
      auto step = s_.progress.start(c.target, "pve.boot-image");
      proxmox::DownloadRequest request;
      request.pve_node = pve_node;
      request.storage = desired_.iso_storage;
      request.url = s_.boot_image_url;
      request.filename = desired_.boot_image_filename;
      util::Result<std::string> volid = s_.pve.ensure_downloaded(request);
      if (!volid.ok()) {
        step.fail(volid.error().describe());
        return util::Result<void>(std::move(volid).error().with_context(
            fmt::format("download the boot image into {}", c.target)));
      }
      step.finish(*volid);
      return util::Result<void>();
    });
  }

  // VMIDs are allocated one after the other before any create, so parallel creates never race
  // for the same ID; IDs configured for other nodes are skipped.
  util::Result<std::map<std::string, int>> allocate_vmids(const std::vector<Change>& creates) {
    std::set<int> reserved;
    for (const spec::Node& n : cluster_.nodes) {
      if (n.vmid) {
        reserved.insert(*n.vmid);
      }
    }
    std::map<std::string, int> out;
    int next = options_.first_vmid;
    for (const Change& c : creates) {
      const spec::Node& n = node(c.target);
      if (n.vmid) {
        out[n.name] = *n.vmid;
        continue;
      }
      int id = 0;
      do {
        ASSIGN_OR_RETURN(id, s_.pve.free_vmid(next));
        next = id + 1;
      } while (reserved.count(id) != 0);
      out[n.name] = id;
    }
    return out;
  }

  // Each node runs its own pipeline — create and start its VM, then bring it to its config — so
  // no node waits for another's VM. Control planes bootstrap etcd as soon as they are configured,
  // while workers are still on their way (they only need a control plane's trustd).
  util::Result<void> bring_up(const plan::Plan& plan) {
    std::vector<std::string> control_planes, workers;
    for (const spec::Node& n : cluster_.nodes) {
      const auto mine = [&](const Change& c) { return c.target == n.name; };
      const bool touched =
          std::any_of(plan.changes.begin(), plan.changes.end(), [&](const Change& c) {
            return mine(c) && (c.subject == Subject::Vm || c.subject == Subject::Power ||
                               c.subject == Subject::MachineConfig);
          });
      const bool replaced =
          std::any_of(plan.changes.begin(), plan.changes.end(),
                      [&](const Change& c) { return mine(c) && c.kind == ChangeKind::Replace; });
      if (touched && !replaced) {
        (n.role == spec::NodeRole::ControlPlane ? control_planes : workers).push_back(n.name);
      }
    }
    for (const spec::Node& n : cluster_.nodes) {
      if (pve_slots_.count(n.pve_node) == 0) {
        pve_slots_[n.pve_node] = std::make_unique<std::counting_semaphore<>>(
            static_cast<std::ptrdiff_t>(options_.vm_parallel_per_pve_node));
      }
    }
    const std::vector<Change> bootstraps = of(plan, Subject::Bootstrap);
    // The first failure is the one reported; it makes the other pipelines stop waiting.
    FirstError failure;
    const auto failed = [&](util::Result<void> r) {
      if (!r.ok()) {
        failure.record(r.error());
        abandon_ = true;
      }
      return r;
    };
    util::Result<void> cp_result, worker_result;
    std::thread worker_thread([&] {
      worker_result = for_each_parallel<std::string>(
          workers, workers.size(),
          [&](const std::string& name) { return failed(pipeline(plan, name)); });
    });
    // Bootstrap as soon as its control plane is configured: the others join etcd whenever they
    // are ready, so waiting for the slowest of them would only delay the whole cluster.
    const std::string bootstrap_target = bootstraps.empty() ? "" : bootstraps.front().target;
    cp_result = for_each_parallel<std::string>(
        control_planes, control_planes.size(), [&](const std::string& name) -> util::Result<void> {
          util::Result<void> r = pipeline(plan, name);
          if (r.ok() && name == bootstrap_target) {
            r = bootstrap(name);
          }
          return failed(std::move(r));
        });
    if (cp_result.ok() && !bootstrap_target.empty() &&
        std::find(control_planes.begin(), control_planes.end(), bootstrap_target) ==
            control_planes.end()) {
      cp_result = bootstrap(bootstrap_target);  // its node needed no change of its own
    }
    worker_thread.join();
    RETURN_IF_ERROR(failure.result());
    RETURN_IF_ERROR(cp_result);
    return worker_result;
  }

  util::Result<void> pipeline(const plan::Plan& plan, const std::string& name) {
    for (const Change& c : plan.changes) {
      if (c.target != name) {
        continue;
      }
      if (c.subject == Subject::Vm && c.kind == ChangeKind::Create) {
        RETURN_IF_ERROR(create_vm(node(name), vmids_.at(name)));
      } else if (c.subject == Subject::Power) {
        RETURN_IF_ERROR(start_vm(name));
      } else if (c.subject == Subject::MachineConfig) {
        RETURN_IF_ERROR(configure_one(name));
      }
    }
    return {};
  }

  util::Result<void> create_vm(const spec::Node& n, int vmid) {
    auto step = s_.progress.start(n.name, "vm.create");
    util::Result<void> r = [&]() -> util::Result<void> {
      ASSIGN_OR_RETURN(std::string uuid, s_.new_uuid());
      const std::string iso =
          fmt::format("{}:iso/{}", desired_.iso_storage, desired_.boot_image_filename);
      {
        // The limit is on creations (disk allocation); starting needs no slot.
        Slot slot(*pve_slots_.at(n.pve_node));
        RETURN_IF_ERROR(s_.pve.create_vm(vm_request(cluster_, n, vmid, iso, uuid)));
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        uuids_[n.name] = uuid;
      }
      step.note(fmt::format("VM {} created on {}", vmid, n.pve_node));
      return s_.pve.start_vm(n.pve_node, vmid);
    }();
    if (!r.ok()) {
      step.fail(r.error().describe());
      return std::move(r).error().with_context(
          fmt::format("create VM {} for {} on {}", vmid, n.name, n.pve_node));
    }
    step.finish(fmt::format("VM {} running", vmid));
    return {};
  }

  util::Result<void> update_vms(const std::vector<Change>& updates) {
    for (const Change& c : updates) {
      const plan::ObservedVm* vm = observed_.vm_of(c.target);
      TALFORGE_ASSERT(vm != nullptr);
      auto step = s_.progress.start(c.target, "vm.update");
      util::Result<proxmox::VmUpdate> r = update_vm(desired(c.target).vm, *vm);
      if (!r.ok()) {
        step.fail(r.error().describe());
        return std::move(r).error().with_context(
            fmt::format("update VM {} of {}", vm->vm.vmid, c.target));
      }
      if (r->reboot_needed) {
        restarts_.push_back(c.target);
      }
      step.finish(r->reboot_needed
                      ? fmt::format("{}; PVE keeps {} pending: restart follows",
                                    fmt::join(c.details, ", "), fmt::join(r->pending, ", "))
                      : fmt::format("{}", fmt::join(c.details, ", ")));
    }
    return {};
  }

  // Control planes one at a time, workers in batches of upgrade.workersMaxUnavailable (the plan's
  // order), step by step: all nodes reach one version of the path before any goes on to the next.
  util::Result<void> upgrade_talos(const std::vector<Change>& upgrades) {
    const std::optional<spec::Version> to = spec::parse_version(desired_.talos_version);
    std::map<std::string, std::vector<spec::Version>> steps_of;
    std::set<spec::Version> steps;
    for (const Change& c : upgrades) {
      const plan::ObservedNode* talos = observed_.node_of(c.target);
      TALFORGE_ASSERT(talos != nullptr && to.has_value());
      running_[c.target] = talos->talos_version;
      ASSIGN_OR_RETURN(std::vector<spec::Version> path,
                       spec::talos_upgrade_path(*spec::parse_version(talos->talos_version), *to));
      if (path.empty()) {
        path.push_back(*to);  // the same version from a new installer image (the schematic)
      }
      steps.insert(path.begin(), path.end());
      steps_of[c.target] = std::move(path);
    }
    const std::size_t workers_at_once =
        static_cast<std::size_t>(std::max(1, cluster_.upgrade.workers_max_unavailable));
    for (const spec::Version& version : steps) {
      std::vector<NodeStep> workers;
      for (const Change& c : upgrades) {
        const std::vector<spec::Version>& path = steps_of.at(c.target);
        if (std::find(path.begin(), path.end(), version) == path.end()) {
          continue;
        }
        const NodeStep step{c.target, version == path.back()};
        if (node(c.target).role == spec::NodeRole::ControlPlane) {
          RETURN_IF_ERROR(upgrade_batch({step}, version, upgrades));
        } else if (workers.push_back(step); workers.size() == workers_at_once) {
          RETURN_IF_ERROR(upgrade_batch(workers, version, upgrades));
          workers.clear();
        }
      }
      if (!workers.empty()) {
        RETURN_IF_ERROR(upgrade_batch(workers, version, upgrades));
      }
    }
    return {};
  }

  struct NodeStep {
    std::string name;
    bool last_step = false;  // the node's config follows (it may use the release's settings)
  };

  // The nodes of a batch are drained and upgraded together, then gated together: Talos's health
  // checks once, then the user's gate for each. A failed node is rolled back (or left, with
  // --on-failure stop) and the rollout stops; when a gate fails, that holds for the whole batch.
  util::Result<void> upgrade_batch(const std::vector<NodeStep>& batch, const spec::Version& version,
                                   const std::vector<Change>& upgrades) {
    if (node(batch.front().name).role == spec::NodeRole::ControlPlane) {
      RETURN_IF_ERROR(backup_etcd());
    }
    const std::string tag = "v" + version.str();
    std::vector<NodeUpgrade> upgrade;
    std::vector<DrainedNode> drained;
    std::vector<std::unique_ptr<Progress::Step>> step;
    for (const NodeStep& b : batch) {
      const spec::Node& n = node(b.name);
      upgrade.push_back({n.name, n.address,
                         talos::installer_image(cluster_, desired_.schematic_id, tag), tag,
                         desired_.schematic_id});
      drained.push_back({n.name, control_plane_addresses(), "talos upgrade to " + tag});
      step.push_back(std::make_unique<Progress::Step>(s_.progress.start(n.name, "talos.upgrade")));
    }
    std::vector<util::Result<void>> result(batch.size());
    util::parallel_for(batch.size(), batch.size(), [&](std::size_t i) {
      result[i] = run_drained(drained[i], s_.kube, s_.progress.clock(), options_.wait, *step[i],
                              [&]() -> util::Result<void> {
                                RETURN_IF_ERROR(upgrade_node(upgrade[i], s_.dial,
                                                             s_.talos_port_open,
                                                             s_.progress.clock(), options_.wait,
                                                             *step[i]));
                                if (batch[i].last_step) {
                                  RETURN_IF_ERROR(config_after_upgrade(node(batch[i].name),
                                                                       *step[i]));
                                }
                                return {};
                              });
    });
    // Failed nodes go back first (the health checks want every node in service), then the
    // upgraded ones pass the gates — or are rolled back as well.
    std::optional<util::Error> first_failure;
    const auto fail = [&](std::size_t i, util::Error error) {
      util::Error failed = after_failed_upgrade(upgrade[i], drained[i], std::move(error), *step[i]);
      step[i]->fail(failed.describe());
      if (!first_failure) {
        first_failure =
            std::move(failed).with_context(rollout_report(batch[i].name, tag, upgrades));
      }
    };
    std::vector<std::size_t> upgraded;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      if (result[i].ok()) {
        upgraded.push_back(i);
      } else {
        fail(i, std::move(result[i]).error());
      }
    }
    if (upgraded.empty()) {
      return std::move(*first_failure);
    }
    util::Result<void> gate = gates(batch, upgraded, step);
    for (std::size_t i : upgraded) {
      if (gate.ok()) {
        running_[batch[i].name] = tag;
        step[i]->finish(fmt::format("runs {}", tag));
      } else {
        fail(i, gate.error());
      }
    }
    if (first_failure) {
      return std::move(*first_failure);
    }
    return {};
  }

  util::Result<void> gates(const std::vector<NodeStep>& batch, const std::vector<std::size_t>& which,
                           const std::vector<std::unique_ptr<Progress::Step>>& step) {
    Progress::Step& first = *step[which.front()];
    first.note("health gate");
    RETURN_IF_ERROR(wait_cluster_healthy(cluster_, s_.dial, options_.health_timeout, first));
    for (std::size_t i : which) {
      RETURN_IF_ERROR(user_gate(node(batch[i].name), *step[i]));
    }
    return {};
  }

  // cluster.yaml's upgrade.gate.command, retried every interval until it exits 0 or its timeout
  // passes. It runs in cluster.yaml's directory and learns the node from the environment.
  util::Result<void> user_gate(const spec::Node& n, Progress::Step& step) {
    const spec::UpgradeGate& gate = cluster_.upgrade.gate;
    if (gate.command.empty()) {
      return {};
    }
    std::map<std::string, std::string> env = {{"TALFORGE_CLUSTER", cluster_.name},
                                              {"TALFORGE_NODE", n.name},
                                              {"TALFORGE_NODE_ADDRESS", n.address}};
    if (!options_.kubeconfig_file.empty() && util::file_exists(options_.kubeconfig_file)) {
      env["KUBECONFIG"] = options_.kubeconfig_file;
    }
    WaitPolicy policy = options_.wait;
    policy.timeout = gate.timeout;
    policy.poll = {gate.interval, gate.interval};
    step.note("upgrade gate: " + gate.command);
    return wait_until(
        fmt::format("the upgrade gate ({}) for {}", gate.command, n.name), s_.progress.clock(),
        policy,
        [&]() -> util::Result<void> {
          ASSIGN_OR_RETURN(util::CommandRun run,
                           util::run_shell_command(gate.command, cluster_.resolve_path("."), env,
                                                   gate.timeout));
          if (run.exit_code == 0) {
            step.note("upgrade gate passed");
            return {};
          }
          return util::Error::unavailable(
              fmt::format("{} {}{}", run.timed_out ? "ran out of time" : "exited",
                          run.timed_out ? "" : std::to_string(run.exit_code),
                          last_line(run.output).empty() ? "" : ": " + last_line(run.output)));
        },
        [&](const util::Error& last) { step.note("upgrade gate: " + last.message); });
  }

  static std::string last_line(const std::string& output) {
    std::string text = output;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
      text.pop_back();
    }
    return text.substr(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
  }

  // Component by component across the nodes, control planes first (talos.md §9.2): each
  // control plane component on every control plane, kube-proxy, then every kubelet; then the
  // rest of each node's config. A re-run finds the moved components in the configs and goes on.
  util::Result<void> upgrade_kubernetes(const std::vector<Change>& changes) {
    std::vector<KubernetesNode> nodes;
    for (const Change& c : changes) {
      const spec::Node& n = node(c.target);
      nodes.push_back({n.name, n.address, n.role == spec::NodeRole::ControlPlane,
                       desired(n.name).config_yaml});
    }
    std::stable_partition(nodes.begin(), nodes.end(),
                          [](const KubernetesNode& n) { return n.control_plane; });
    const KubernetesAccess access{s_.dial, s_.kube, control_plane_addresses()};
    const std::string version = "v" + desired_.kubernetes_version;
    for (talos::KubernetesComponent component : talos::kKubernetesComponents) {
      for (const KubernetesNode& n : nodes) {
        if (!runs_on(component, n)) {
          continue;
        }
        auto step = s_.progress.start(n.name, "kubernetes.upgrade");
        util::Result<void> r =
            move_component(n, component, access, s_.progress.clock(), options_.wait, step);
        if (!r.ok()) {
          step.fail(r.error().describe());
          return std::move(r).error()
              .with_context(fmt::format("Kubernetes upgrade to {} stopped at {} on {}", version,
                                        talos::component_name(component), n.name))
              .with_hint("the components before it run the new version; once the cause is "
                         "fixed, apply goes on from here (a moved component is not moved again)");
        }
        step.finish(fmt::format("{} on {}", talos::component_name(component), version));
      }
    }
    for (const KubernetesNode& n : nodes) {
      auto step = s_.progress.start(n.name, "talos.config");
      util::Result<void> r = config_after_upgrade(node(n.name), step);
      if (!r.ok()) {
        step.fail(r.error().describe());
        return std::move(r).error().with_context(fmt::format("configure {}", n.name));
      }
      step.finish("configured");
    }
    return {};
  }

  // Retried while no control plane's Kubernetes API answers (right after a bring-up it may not
  // serve yet).
  util::Result<void> sync_manifests() {
    const std::vector<const spec::Node*> cps = cluster_.control_planes();
    if (cps.empty()) {
      return {};
    }
    auto step = s_.progress.start(cluster_.name, "kubernetes.manifests");
    std::size_t count = 0;
    util::Result<void> applied = wait_until(
        "the inline manifests applied server-side", s_.progress.clock(), options_.wait,
        [&]() -> util::Result<void> {
          ASSIGN_OR_RETURN(count, sync_inline_manifests(desired(cps.front()->name).config_yaml,
                                                        control_plane_addresses(), s_.kube));
          return {};
        },
        [&](const util::Error& last) { step.note("waiting: " + last.message); });
    if (!applied.ok()) {
      step.fail(applied.error().describe());
      return std::move(applied).error().with_context("apply the inline manifests server-side");
    }
    step.finish(fmt::format("{} object(s) of the inline manifests applied server-side", count));
    return {};
  }

  // Nodes an earlier run cordoned and was killed before it returned them: back into service once
  // Ready (one may still boot into its new version).
  util::Result<void> return_left_cordoned(const std::vector<Change>& changes) {
    for (const Change& c : changes) {
      auto step = s_.progress.start(c.target, "node.uncordon");
      step.note(c.reason);
      util::Result<void> r = return_to_service({c.target, control_plane_addresses()}, s_.kube,
                                               s_.progress.clock(), options_.wait);
      if (!r.ok()) {
        step.fail(r.error().describe());
        return std::move(r).error().with_context(fmt::format("return {} to service", c.target));
      }
      step.finish("Ready and uncordoned");
    }
    return {};
  }

  // The new release's config, once the node runs it (it may use settings the old one lacks).
  util::Result<void> config_after_upgrade(const spec::Node& n, Progress::Step& step) {
    const NodeTarget target{n.name, n.address, expected_uuid(n.name), desired(n.name).config_yaml};
    return ensure_node_config(target, s_.dial, s_.talos_port_open, s_.progress.clock(),
                              options_.wait, step);
  }

  // Rollback (default): a node that fell back to its old slot is put back into service; one
  // that failed its gates on the new version is rolled back first. Stop: left as it is.
  util::Error after_failed_upgrade(const NodeUpgrade& upgrade, const DrainedNode& drained,
                                   util::Error error, Progress::Step& step) {
    if (options_.on_upgrade_failure == UpgradeFailure::Stop) {
      return std::move(error).with_hint(fmt::format(
          "{} was left as it is (--on-failure stop); fix it, then run apply again",
          upgrade.name));
    }
    const std::string before = running_.at(upgrade.name);
    util::Result<std::string> now = [&]() -> util::Result<std::string> {
      ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                       s_.dial(upgrade.address, talos::ConnectMode::Secure));
      ASSIGN_OR_RETURN(talos::VersionInfo v, api->version());
      return v.tag;
    }();
    if (now.ok() && *now != before) {
      now = roll_back_node(upgrade, s_.dial, s_.talos_port_open, s_.progress.clock(),
                           options_.wait, step);
    }
    util::Result<void> back = now.ok() ? return_to_service(drained, s_.kube, s_.progress.clock(),
                                                           options_.wait)
                                       : util::Result<void>(now.error());
    if (!back.ok()) {
      return std::move(error).with_hint(fmt::format(
          "{} could not be returned to {} and into service ({}); look at it with `talforge "
          "status`",
          upgrade.name, before, back.error().describe()));
    }
    step.note(fmt::format("rolled back: runs {} again, uncordoned", *now));
    error.message += fmt::format("; {} was rolled back and runs {} again", upgrade.name, *now);
    return std::move(error).with_hint(
        "fix the cause (the installer image, cluster.yaml), then run apply again: it goes on "
        "with the nodes not yet upgraded");
  }

  // "rollout stopped at cp-2 (→ v1.12.11): cp-1 runs v1.12.11; untouched: cp-3, worker-1"
  std::string rollout_report(const std::string& failed, const std::string& tag,
                             const std::vector<Change>& upgrades) const {
    std::vector<std::string> done, untouched;
    for (const Change& c : upgrades) {
      if (c.target == failed) {
        continue;
      }
      const plan::ObservedNode* talos = observed_.node_of(c.target);
      const std::string& now = running_.at(c.target);
      if (talos != nullptr && now != talos->talos_version) {
        done.push_back(fmt::format("{} runs {}", c.target, now));
      } else {
        untouched.push_back(c.target);
      }
    }
    return fmt::format("Talos rollout stopped at {} (→ {}){}{}", failed, tag,
                       done.empty() ? "" : fmt::format("; {}", fmt::join(done, ", ")),
                       untouched.empty() ? ""
                                         : fmt::format("; untouched: {}", fmt::join(untouched, ", ")));
  }

  // One node at a time, after bring-up: each is drained, its VM shut down and started again (PVE
  // applies pending CPUs/memory only at power-on), and it must be Ready before the next one.
  util::Result<void> restart_for_pending_hardware() {
    for (const std::string& name : restarts_) {
      const plan::ObservedVm* vm = observed_.vm_of(name);
      TALFORGE_ASSERT(vm != nullptr);
      auto step = s_.progress.start(name, "vm.restart");
      util::Result<void> r = restart_vm(node(name), *vm, step);
      if (!r.ok()) {
        step.fail(r.error().describe());
        return std::move(r).error().with_context(
            fmt::format("restart VM {} of {} for its pending hardware", vm->vm.vmid, name));
      }
      step.finish("running with its new hardware");
    }
    return {};
  }

  util::Result<void> restart_vm(const spec::Node& n, const plan::ObservedVm& vm,
                                Progress::Step& step) {
    const auto power_cycle = [&]() -> util::Result<void> {
      step.note("shutting the VM down");
      RETURN_IF_ERROR(s_.pve.shutdown_vm(vm.vm.pve_node, vm.vm.vmid, kShutdownTimeoutSeconds));
      RETURN_IF_ERROR(s_.pve.start_vm(vm.vm.pve_node, vm.vm.vmid));
      step.note("started; waiting for the Talos API");
      const NodeTarget target{n.name, n.address, expected_uuid(n.name), ""};
      return wait_configured(target, s_.dial, s_.talos_port_open, s_.progress.clock(),
                             options_.wait);
    };
    const plan::ObservedNode* talos = observed_.node_of(n.name);
    if (talos == nullptr || talos->state != plan::TalosState::Configured) {
      return power_cycle();  // not part of the cluster yet: nothing to drain
    }
    DrainedNode drained{n.name, control_plane_addresses(), "restart for new VM hardware"};
    return run_drained(drained, s_.kube,
                       s_.progress.clock(), options_.wait, step, power_cycle);
  }

  util::Result<proxmox::VmUpdate> update_vm(const plan::VmShape& want,
                                            const plan::ObservedVm& have) {
    ASSIGN_OR_RETURN(proxmox::VmConfig config, s_.pve.vm_config(have.vm.pve_node, have.vm.vmid));
    proxmox::Params changes;
    if (want.cores != have.vm.cores) {
      changes.push_back({"cores", std::to_string(want.cores)});
    }
    if (want.memory_mib != have.vm.memory_mib) {
      changes.push_back({"memory", std::to_string(want.memory_mib)});
    }
    if (want.name != have.vm.name) {
      changes.push_back({"name", want.name});
    }
    proxmox::VmUpdate update;
    if (!changes.empty()) {
      ASSIGN_OR_RETURN(
          update, s_.pve.update_vm(have.vm.pve_node, have.vm.vmid, changes, {}, config.digest));
    }
    if (want.disk_gib > have.vm.disk_gib) {
      RETURN_IF_ERROR(s_.pve.resize_disk(have.vm.pve_node, have.vm.vmid, "scsi0", want.disk_gib));
    }
    return update;
  }

  util::Result<void> start_vm(const std::string& name) {
    const plan::ObservedVm* vm = observed_.vm_of(name);
    TALFORGE_ASSERT(vm != nullptr);
    auto step = s_.progress.start(name, "vm.start");
    util::Result<void> r = s_.pve.start_vm(vm->vm.pve_node, vm->vm.vmid);
    if (!r.ok()) {
      step.fail(r.error().describe());
      return std::move(r).error().with_context(fmt::format("start VM {}", vm->vm.vmid));
    }
    step.finish();
    return {};
  }

  std::string expected_uuid(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = uuids_.find(name); it != uuids_.end()) {
      return it->second;
    }
    const plan::ObservedVm* vm = observed_.vm_of(name);
    return vm != nullptr ? vm->smbios_uuid : std::string();
  }

  util::Result<void> configure_one(const std::string& name) {
    const spec::Node& n = node(name);
    NodeTarget target{n.name, n.address, expected_uuid(n.name), desired(n.name).config_yaml};
    auto step = s_.progress.start(n.name, "talos.config");
    util::Result<void> r =
        ensure_node_config(target, s_.dial, s_.talos_port_open, s_.progress.clock(),
                           node_wait_, step);
    if (!r.ok()) {
      step.fail(r.error().describe());
      return std::move(r).error().with_context(fmt::format("configure {} ({})", n.name, n.address));
    }
    step.finish("configured");
    return {};
  }

  util::Result<void> bootstrap(const std::string& name) {
    const spec::Node& n = node(name);
    auto step = s_.progress.start(name, "etcd.bootstrap");
    util::Result<void> r = bootstrap_once(n);
    if (!r.ok()) {
      step.fail(r.error().describe());
      return std::move(r).error().with_context(fmt::format("bootstrap etcd on {}", name));
    }
    step.finish();
    return {};
  }

  // Guarded: any control plane that already reports etcd members means the cluster exists, and
  // "already bootstrapped" counts as done (an earlier run may have lost the reply).
  util::Result<void> bootstrap_once(const spec::Node& n) {
    for (const spec::Node* cp : cluster_.control_planes()) {
      util::Result<std::unique_ptr<talos::Api>> api =
          s_.dial(cp->address, talos::ConnectMode::Secure);
      if (!api.ok()) {
        continue;
      }
      util::Result<std::vector<talos::EtcdMember>> members = (*api)->etcd_member_list(false);
      if (members.ok() && !members->empty()) {
        return {};
      }
    }
    ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                     s_.dial(n.address, talos::ConnectMode::Secure));
    return wait_until(fmt::format("{} accepting Bootstrap", n.name), s_.progress.clock(),
                      options_.wait, [&]() -> util::Result<void> {
                        util::Result<void> r = api->bootstrap();
                        if (!r.ok() && r.error().code == util::ErrorCode::AlreadyExists) {
                          return {};
                        }
                        return r;
                      });
  }

  util::Result<void> health() {
    if (cluster_.control_planes().empty()) {
      return {};
    }
    auto step = s_.progress.start(cluster_.name, "cluster.health");
    util::Result<void> r = wait_cluster_healthy(cluster_, s_.dial, options_.health_timeout, step);
    if (!r.ok()) {
      step.fail(r.error().describe());
      return std::move(r).error().with_context("cluster health");
    }
    step.finish("all checks passed");
    return {};
  }

  const spec::Cluster& cluster_;
  const plan::Desired& desired_;
  const plan::Observed& observed_;
  ApplyServices& s_;
  const ApplyOptions& options_;
  // options_.wait, ended early once another pipeline of bring_up has failed.
  WaitPolicy node_wait_;
  std::atomic<bool> abandon_{false};
  std::mutex mutex_;
  std::map<std::string, std::string> uuids_;
  std::map<std::string, int> vmids_;
  std::vector<std::string> restarts_;
  bool etcd_backed_up_ = false;
  std::map<std::string, std::string> running_;  // Talos version of each node being upgraded  // nodes whose VM has hardware changes pending
  // Concurrent VM creations per PVE node.
  std::map<std::string, std::unique_ptr<std::counting_semaphore<>>> pve_slots_;
};

}  // namespace

util::Result<void> apply_plan(const spec::Cluster& cluster, const plan::Desired& desired,
                              const plan::Observed& observed, const plan::Plan& plan,
                              ApplyServices& services, const ApplyOptions& options) {
  return Applier(cluster, desired, observed, services, options).run(plan);
}

}  // namespace engine
