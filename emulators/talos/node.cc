#include "emulators/talos/node.h"

#include <algorithm>
#include <regex>

#include <fmt/format.h>
#include <google/protobuf/any.pb.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>

#include "emulators/talos/emulator.h"
#include "security/security.grpc.pb.h"

namespace talos_emu {
namespace {

constexpr size_t kEventHistory = 1000;
using Mode = machine::ApplyConfigurationRequest;

RpcError error(grpc::StatusCode code, std::string message) {
  return RpcError{static_cast<int>(code), std::move(message)};
}

std::string platform_mode(const std::string& platform) {
  if (platform == "metal")
    return "metal";
  if (platform == "container")
    return "container";
  return "cloud";
}

// "…/<schematic>:<version>" → version and (when it looks like one) schematic id.
bool parse_installer_image(const std::string& image, std::string* version, std::string* schematic) {
  static const std::regex pattern(
      R"(^(?:[^/\s]+/)+([^/:\s]+):(v\d+\.\d+\.\d+[^\s@]*)(@sha256:[0-9a-f]{64})?$)");
  std::smatch m;
  if (!std::regex_match(image, m, pattern))
    return false;
  *version = m[2];
  static const std::regex id(R"(^[0-9a-f]{64}$)");
  *schematic = std::regex_match(m[1].str(), id) ? m[1].str() : "";
  return true;
}

bool is_cilium_manifest(const MachineConfig& config) {
  for (const auto& [name, contents] : config.inline_manifests) {
    if (name.find("cilium") != std::string::npos)
      return true;
  }
  return false;
}

std::string endpoint_host(const std::string& endpoint) {
  std::string host = endpoint;
  if (auto scheme = host.find("://"); scheme != std::string::npos)
    host = host.substr(scheme + 3);
  if (auto slash = host.find('/'); slash != std::string::npos)
    host = host.substr(0, slash);
  if (!host.empty() && host.front() == '[') {
    return host.substr(1, host.find(']') - 1);
  }
  if (auto colon = host.rfind(':'); colon != std::string::npos)
    host = host.substr(0, colon);
  return host;
}

}  // namespace

const char* stage_name(Stage stage) {
  switch (stage) {
    case machine::MachineStatusEvent::BOOTING:
      return "booting";
    case machine::MachineStatusEvent::INSTALLING:
      return "installing";
    case machine::MachineStatusEvent::MAINTENANCE:
      return "maintenance";
    case machine::MachineStatusEvent::RUNNING:
      return "running";
    case machine::MachineStatusEvent::REBOOTING:
      return "rebooting";
    case machine::MachineStatusEvent::SHUTTING_DOWN:
      return "shutting down";
    case machine::MachineStatusEvent::RESETTING:
      return "resetting";
    case machine::MachineStatusEvent::UPGRADING:
      return "upgrading";
    default:
      return "unknown";
  }
}

Node::Node(Emulator& emulator, NodeSpec spec) : emulator_(emulator), spec_(std::move(spec)) {}

Node::~Node() {
  stop_servers(/*hand_over_vip=*/false);
}

NodeSnapshot Node::snapshot() const {
  std::lock_guard lock(mu_);
  NodeSnapshot s;
  s.spec = spec_;
  s.faults = faults_;
  s.powered = powered_;
  s.personality = personality_;
  s.stage = stage_;
  compute_status_locked(&s.ready, &s.unmet);
  s.disk = disk_;
  s.running_version = running_version_;
  s.running_schematic = running_schematic_;
  s.config = config_;
  s.cluster = cluster_;
  s.services = services_;
  s.hostname = hostname_locked();
  return s;
}

std::string Node::hostname_locked() const {
  if (config_ && !config_->hostname.empty())
    return config_->hostname;
  std::string dashed = spec_.address;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  return "talos-" + dashed;
}

double Node::boot_factor() const {
  return faults_.slow_boot > 0 ? faults_.slow_boot : 1.0;
}

void Node::post_step(double unscaled_seconds, void (Node::*step)(uint64_t), bool boot_delay) {
  uint64_t epoch;
  double factor;
  {
    std::lock_guard lock(mu_);
    epoch = epoch_;
    factor = boot_delay ? boot_factor() : 1.0;
  }
  const double seconds = unscaled_seconds * factor;
  std::weak_ptr<Node> weak = weak_from_this();
  emulator_.scheduler().post_after(emulator_.timing().scaled(Seconds(seconds)),
                                   [weak, step, epoch, seconds] {
                                     auto self = weak.lock();
                                     if (!self)
                                       return;
                                     {
                                       std::lock_guard lock(self->mu_);
                                       if (epoch != self->epoch_)
                                         return;
                                       self->virtual_now_ += seconds;
                                     }
                                     ((*self).*step)(epoch);
                                   });
}

// ---------------------------------------------------------------- hypervisor

void Node::power_on() {
  {
    std::lock_guard lock(mu_);
    if (powered_)
      return;
    powered_ = true;
    ++epoch_;
  }
  boot_start(epoch_);
}

void Node::power_off() {
  {
    std::lock_guard lock(mu_);
    ++epoch_;
    powered_ = false;
    stop_workloads_locked();
    personality_ = Personality::Off;
    stage_ = machine::MachineStatusEvent::UNKNOWN;
    services_.clear();
  }
  stop_servers();
}

void Node::set_faults(const Faults& faults) {
  Personality personality;
  uint64_t epoch;
  bool reachability_changed;
  {
    std::lock_guard lock(mu_);
    reachability_changed = faults.unreachable != faults_.unreachable;
    faults_ = faults;
    personality = personality_;
    epoch = epoch_;
  }
  if (!reachability_changed)
    return;
  if (faults.unreachable) {
    stop_servers();
  } else if (personality != Personality::Off) {
    switch_servers(personality, epoch);
    try_hold_vip();
  }
}

// ---------------------------------------------------------------- boot

void Node::boot_start(uint64_t epoch) {
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    services_.clear();
    actor_.clear();
    // machined keeps events in memory only: a new boot starts with an empty buffer (they count
    // as dropped, so a stream reading through another node's apid keeps its place).
    events_dropped_ += events_.size();
    events_.clear();
    set_stage_locked(machine::MachineStatusEvent::BOOTING);
    sequence_event_locked("boot", true);
    set_service_locked("machined", "Running", true, "Service started as goroutine");
    set_service_locked("udevd", "Running", true, "Health check successful");
    etcd_waiting_bootstrap_ = false;
    emit_status_locked();
  }
  post_step(emulator_.timing().boot.count(), &Node::boot_finished, true);
}

void Node::boot_finished(uint64_t epoch) {
  bool configured = false;
  {
    std::lock_guard lock(mu_);
    if (disk_.installed) {
      int slot = disk_.active;
      if (disk_.boot_once >= 0) {
        if (faults_.upgrade_boots_bad) {
          faults_.upgrade_boots_bad = false;  // the bad image is tried once, then GRUB falls back
          emulator_.counters().upgrade_fallback();
        } else {
          disk_.active = disk_.boot_once;
        }
        slot = disk_.active;
        disk_.boot_once = -1;
      }
      running_version_ = disk_.slots[slot].version;
      running_schematic_ = disk_.slots[slot].schematic;
    } else {
      running_version_ = spec_.talos_version;
      running_schematic_ = spec_.schematic_id;
    }
    if (disk_.installed && !disk_.config_yaml.empty() && disk_config_ &&
        disk_config_->raw_yaml == disk_.config_yaml) {
      config_ = disk_config_;
      configured = true;
    } else if (disk_.installed && !disk_.config_yaml.empty()) {
      AcceptOptions options{running_version_, "", false, platform_mode(spec_.platform)};
      auto accepted = accept_machine_config(disk_.config_yaml, options);
      if (accepted.ok()) {
        config_ = std::make_shared<const MachineConfig>(std::move(*accepted));
        configured = true;
      } else {
        machine::ConfigLoadErrorEvent event;
        event.set_error(accepted.error().message);
        push_event_locked(event, "");
      }
    }
    if (!configured) {
      config_.reset();
      set_stage_locked(machine::MachineStatusEvent::MAINTENANCE);
      machine::TaskEvent task;
      task.set_task("runningMaintenance");
      task.set_action(machine::TaskEvent::START);
      push_event_locked(task, "");
      set_service_locked("apid", "Running", true, "maintenance service");
      personality_ = Personality::Maintenance;
      emit_status_locked();
    }
  }
  if (configured) {
    enter_configured(epoch);
  } else {
    switch_servers(Personality::Maintenance, epoch);
  }
}

void Node::enter_configured(uint64_t epoch) {
  std::shared_ptr<const MachineConfig> config;
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    config = config_;
  }
  auto cluster = emulator_.cluster_for(*config);
  const bool control_plane = config->type == "controlplane";
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    cluster_ = cluster;
    for (const char* id : {"containerd", "cri", "syslogd"}) {
      set_service_locked(id, "Running", true, "Health check successful");
    }
    set_service_locked("apid", "Preparing", false, "Waiting for certificates");
    set_service_locked("kubelet", "Waiting", false, "Waiting for service \"cri\" to be registered");
    if (control_plane) {
      set_service_locked("trustd", "Running", true, "Health check successful");
      set_service_locked("etcd", "Preparing", false, "Running pre state");
    }
    emit_status_locked();
  }
  obtain_certificate(epoch);
}

void Node::retry_configured(uint64_t epoch) {
  obtain_certificate(epoch);
}

void Node::obtain_certificate(uint64_t epoch) {
  NodeSnapshot s = snapshot();
  if (!s.config)
    return;
  CertAndKey os_ca{s.config->os_ca_crt_pem, s.config->os_ca_key_pem};
  std::optional<CertAndKey> cert;
  if (s.control_plane()) {
    auto issued = issue_apid_server_cert(os_ca, spec_.address, s.hostname, s.config->cert_sans);
    if (issued.ok())
      cert = std::move(*issued);
  } else {
    // A worker has only the OS CA certificate: it asks a control plane's trustd (§1.7).
    auto csr = make_server_csr(spec_.address, s.hostname, s.config->cert_sans);
    if (csr.ok()) {
      for (const auto& peer : emulator_.cluster_nodes(s.cluster ? s.cluster->id : "")) {
        NodeSnapshot ps = peer->snapshot();
        if (!ps.control_plane() || ps.personality != Personality::Configured)
          continue;
        grpc::SslCredentialsOptions tls;
        tls.pem_root_certs = s.config->os_ca_crt_pem;
        auto channel = grpc::CreateChannel(
            peer->address() + ":" + std::to_string(emulator_.options().trustd_port),
            grpc::SslCredentials(tls));
        auto stub = securityapi::SecurityService::NewStub(channel);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
        ctx.AddMetadata("token", s.config->machine_token);
        securityapi::CertificateRequest request;
        request.set_csr(csr->cert_pem);
        securityapi::CertificateResponse response;
        if (stub->Certificate(&ctx, request, &response).ok()) {
          cert = CertAndKey{response.crt(), csr->key_pem};
          break;
        }
      }
    }
  }
  if (!cert) {
    post_step(emulator_.timing().trustd_retry.count(), &Node::retry_configured);
    return;
  }
  bool wait_for_bootstrap = false;
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    apid_cert_ = *cert;
    personality_ = Personality::Configured;
    set_service_locked("apid", "Running", true, "Health check successful");
    if (s.control_plane()) {
      const bool known = s.cluster && (s.cluster->etcd.bootstrapped());
      etcd_waiting_bootstrap_ = !known;
      wait_for_bootstrap = !known;
      if (!known)
        set_service_locked("etcd", "Preparing", false, "Waiting for bootstrap");
    }
    emit_status_locked();
  }
  switch_servers(Personality::Configured, epoch);
  try_hold_vip();
  if (s.control_plane()) {
    if (!wait_for_bootstrap)
      post_step(emulator_.timing().etcd_join.count(), &Node::etcd_ready);
  } else {
    post_step(emulator_.timing().kubelet.count(), &Node::kubelet_ready);
  }
}

void Node::etcd_ready(uint64_t epoch) {
  std::shared_ptr<ClusterState> cluster;
  std::string hostname;
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_ || !cluster_ || faults_.etcd_member_stuck)
      return;
    cluster = cluster_;
  }
  hostname = snapshot().hostname;
  if (!cluster->etcd.is_member(hostname)) {
    if (!cluster->etcd.join(hostname, spec_.address).ok()) {
      post_step(emulator_.timing().etcd_join.count(), &Node::etcd_ready);
      return;
    }
  }
  cluster->etcd.set_member_up(hostname, true);
  emulator_.update_quorum(*cluster);
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    etcd_waiting_bootstrap_ = false;
    set_service_locked("etcd", "Running", true, "Health check successful");
    emit_status_locked();
  }
  post_step(emulator_.timing().kubelet.count(), &Node::kubelet_ready);
}

void Node::kubelet_ready(uint64_t epoch) {
  NodeSnapshot s = snapshot();
  if (!s.cluster || !s.config)
    return;
  // The kubelet registers through the API server, which needs a bootstrapped etcd with quorum.
  if (!s.cluster->etcd.bootstrapped() || !s.cluster->etcd.has_quorum()) {
    post_step(emulator_.timing().kubelet.count() / 2, &Node::kubelet_ready);
    return;
  }
  s.cluster->kube->upsert_node(kube_facts(s));
  s.cluster->kube->set_node_kubelet_running(s.hostname, true);
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    set_service_locked("kubelet", "Running", true, "Health check successful");
    sequence_event_locked("boot", false);
    set_stage_locked(machine::MachineStatusEvent::RUNNING);
    emit_status_locked();
  }
  if (is_cilium_manifest(*s.config))
    emulator_.schedule_cni(s.cluster, virtual_now());
}

kube_emu::NodeFacts Node::kube_facts(const NodeSnapshot& s) const {
  kube_emu::NodeFacts facts;
  facts.name = s.hostname;
  facts.internal_ip = spec_.address;
  facts.control_plane = s.control_plane();
  if (!s.config->kubernetes_version.empty())
    facts.kubelet_version = s.config->kubernetes_version;
  if (facts.control_plane)
    facts.static_pod_images = s.config->control_plane_images;
  facts.os_image = "Talos (" + s.running_version + ")";
  facts.memory_bytes = spec_.memory_mib * 1024 * 1024;
  facts.system_uuid = spec_.uuid;
  return facts;
}

void Node::restart_kubernetes_components(const MachineConfig& before, const MachineConfig& after) {
  const bool kubelet = before.kubernetes_version != after.kubernetes_version;
  const bool static_pods = after.type == "controlplane" &&
                           before.control_plane_images != after.control_plane_images;
  if (!kubelet && !static_pods)
    return;
  NodeSnapshot s = snapshot();
  if (!s.cluster || !s.cluster->kube->node_exists(s.hostname))
    return;  // not registered yet: it registers with the new config's values
  if (kubelet) {
    s.cluster->kube->set_node_kubelet_running(s.hostname, false);
    std::lock_guard lock(mu_);
    set_service_locked("kubelet", "Stopped", false, "Restarting for a new image");
    emit_status_locked();
  }
  post_step(emulator_.timing().kubelet.count() / (kubelet ? 1 : 2), &Node::kubelet_restarted);
}

// The kubelet (re)registers with the running config's values and syncs the static pods.
void Node::kubelet_restarted(uint64_t epoch) {
  NodeSnapshot s = snapshot();
  if (!s.cluster || !s.config)
    return;
  if (!s.cluster->etcd.has_quorum()) {
    post_step(emulator_.timing().kubelet.count() / 2, &Node::kubelet_restarted);
    return;
  }
  s.cluster->kube->upsert_node(kube_facts(s));
  std::lock_guard lock(mu_);
  if (epoch != epoch_)
    return;
  set_service_locked("kubelet", "Running", true, "Health check successful");
  emit_status_locked();
}

void Node::refresh_status(double virtual_at_least) {
  std::lock_guard lock(mu_);
  virtual_now_ = std::max(virtual_now_, virtual_at_least);
  emit_status_locked();
}

double Node::virtual_now() const {
  std::lock_guard lock(mu_);
  return virtual_now_;
}

void Node::count_upgrade() {
  emulator_.counters().upgrade();
  const NodeSnapshot s = snapshot();
  if (s.cluster && !s.cluster->kube->evictable_pods_on_node(s.hostname).empty())
    emulator_.counters().undrained_upgrade();
  std::lock_guard lock(mu_);
  upgrade_times_.push_back({std::chrono::steady_clock::now(), std::nullopt});
}

std::vector<Node::UpgradeTimes> Node::upgrade_times() const {
  std::lock_guard lock(mu_);
  return upgrade_times_;
}

std::optional<double> Node::critical_path_seconds() const {
  std::lock_guard lock(mu_);
  return ready_at_;
}

// ---------------------------------------------------------------- apply / bootstrap

RpcResult<ApplyOutcome> Node::apply_configuration(const std::string& yaml, Mode::Mode mode,
                                                  bool dry_run) {
  emulator_.counters().apply_call(spec_.address);
  NodeSnapshot s = snapshot();
  if (!s.faults.apply_fails.empty())
    return error(grpc::StatusCode::INTERNAL, s.faults.apply_fails);
  const bool maintenance = s.personality == Personality::Maintenance;
  if (maintenance && (mode == Mode::NO_REBOOT || mode == Mode::STAGED)) {
    std::string name = Mode::Mode_Name(mode);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return c == '_' ? '-' : static_cast<char>(std::tolower(c)); });
    return error(grpc::StatusCode::UNIMPLEMENTED,
                 "apply configuration --mode='" + name + "' is not supported in maintenance mode");
  }
  AcceptOptions options{s.running_version, emulator_.options().schema_dir, maintenance,
                        platform_mode(spec_.platform)};
  auto accepted = accept_machine_config(yaml, options);
  if (!accepted.ok()) {
    const std::string& message = accepted.error().message;
    const bool parse = message.rfind("failed to parse config", 0) == 0;
    return error(parse ? grpc::StatusCode::UNKNOWN : grpc::StatusCode::INVALID_ARGUMENT, message);
  }
  if (accepted->type != "controlplane" && accepted->type != "worker") {
    // Protobuf reads a wrongly typed `data` field as absent: an empty config lands here too.
    return error(grpc::StatusCode::INVALID_ARGUMENT,
                 "configuration validation failed: machine.type must be controlplane or worker "
                 "(the config has no v1alpha1 document the emulator can run)");
  }
  auto config = std::make_shared<const MachineConfig>(std::move(*accepted));
  ApplyOutcome outcome;
  outcome.warnings = config->warnings;

  if (maintenance) {
    if (dry_run) {
      outcome.mode = mode;
      outcome.details =
          "Dry run summary:\nNode is running in maintenance mode and does not have a config yet.";
      return outcome;
    }
    {
      std::lock_guard lock(mu_);
      pending_install_config_ = config;
      machine::TaskEvent task;
      task.set_task("runningMaintenance");
      task.set_action(machine::TaskEvent::STOP);
      push_event_locked(task, "");
      sequence_event_locked("install", true);
      phase_event_locked("install", true);
      set_stage_locked(machine::MachineStatusEvent::INSTALLING);
      emit_status_locked();
    }
    post_step(emulator_.timing().install.count(), &Node::install_finished);
    return outcome;
  }

  const bool needs_reboot = s.config ? change_needs_reboot(*s.config, *config) : true;
  std::string diff;
  if (s.config) {
    for (const std::string& path : changed_paths(*s.config, *config)) diff += "  " + path + "\n";
  }
  Mode::Mode resolved = mode;
  std::string reason;
  if (mode == Mode::AUTO) {
    resolved = needs_reboot ? Mode::REBOOT : Mode::NO_REBOOT;
    if (needs_reboot)
      reason = ": this config change can't be applied in immediate mode\n" + diff;
  } else if ((mode == Mode::NO_REBOOT || mode == Mode::TRY) && needs_reboot) {
    return error(grpc::StatusCode::INVALID_ARGUMENT,
                 "this config change can't be applied in immediate mode\ndiff:\n" + diff);
  }
  switch (resolved) {
    case Mode::REBOOT:
      outcome.details = "Applied configuration with a reboot" + reason;
      break;
    case Mode::STAGED:
      outcome.details = "Staged configuration to be applied after the next reboot";
      break;
    case Mode::TRY:
      outcome.details =
          "Applied configuration without a reboot\nThe config is applied in 'try' mode and will "
          "be automatically reverted back in 1m0s";
      break;
    default:
      outcome.details = "Applied configuration without a reboot";
      break;
  }
  outcome.mode = resolved;
  if (dry_run) {
    outcome.details = "Dry run summary:\n" + outcome.details + " (skipped in dry-run)\n\n" +
                      "Config diff:\n" + (diff.empty() ? "No changes." : diff);
    return outcome;
  }
  {
    std::lock_guard lock(mu_);
    if (resolved != Mode::TRY) {
      disk_.config_yaml = config->raw_yaml;
      disk_config_ = config;
    }
    if (resolved == Mode::NO_REBOOT || resolved == Mode::TRY)
      config_ = config;
  }
  if ((resolved == Mode::NO_REBOOT || resolved == Mode::TRY) && s.config)
    restart_kubernetes_components(*s.config, *config);
  if (resolved == Mode::REBOOT) {
    auto r = reboot();
    if (auto* e = std::get_if<RpcError>(&r))
      return *e;
  }
  return outcome;
}

void Node::install_finished(uint64_t epoch) {
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_ || !pending_install_config_)
      return;
    std::string version = spec_.talos_version, schematic = spec_.schematic_id;
    std::string image_version, image_schematic;
    if (parse_installer_image(pending_install_config_->install_image, &image_version,
                              &image_schematic)) {
      version = image_version;
      schematic = image_schematic;
    }
    disk_.installed = true;
    disk_.slots[0] = Slot{version, schematic};
    disk_.slots[1] = Slot{};
    disk_.active = 0;
    disk_.boot_once = -1;
    disk_.config_yaml = pending_install_config_->raw_yaml;
    disk_config_ = pending_install_config_;
    pending_install_config_.reset();
    phase_event_locked("install", false);
    phase_event_locked("kexec", true);
    sequence_event_locked("install", false);
    set_stage_locked(machine::MachineStatusEvent::REBOOTING);
    emit_status_locked();
  }
  post_step(emulator_.timing().reboot.count(), &Node::reboot_now);
}

std::optional<RpcError> Node::bootstrap(bool recover_etcd) {
  emulator_.counters().bootstrap_call();
  NodeSnapshot s = snapshot();
  // Talos's order (machined's Bootstrap): CRI up, then the machine type, then the etcd data dir.
  const bool cri_up = std::any_of(s.services.begin(), s.services.end(), [](const ServiceRecord& r) {
    return r.id == "cri" && r.state == "Running";
  });
  if (!cri_up)
    return error(grpc::StatusCode::FAILED_PRECONDITION, "bootstrap is not available yet");
  if (!s.control_plane()) {
    return error(grpc::StatusCode::FAILED_PRECONDITION,
                 "bootstrap can only be performed on a control plane node");
  }
  if (s.cluster && s.cluster->etcd.bootstrapped()) {
    return error(grpc::StatusCode::ALREADY_EXISTS, "etcd data directory is not empty");
  }
  {
    std::lock_guard lock(mu_);
    if (!etcd_waiting_bootstrap_) {
      return error(grpc::StatusCode::FAILED_PRECONDITION, "bootstrap is not available yet");
    }
  }
  auto r = s.cluster->etcd.bootstrap(s.hostname, spec_.address, recover_etcd);
  if (!r.ok()) {
    const auto code = r.error().code == util::ErrorCode::AlreadyExists
                          ? grpc::StatusCode::ALREADY_EXISTS
                          : grpc::StatusCode::FAILED_PRECONDITION;
    return error(code, r.error().message);
  }
  emulator_.update_quorum(*s.cluster);
  {
    std::lock_guard lock(mu_);
    etcd_waiting_bootstrap_ = false;
  }
  post_step(emulator_.timing().etcd_bootstrap.count(), &Node::etcd_ready);
  // The other control planes waiting for bootstrap join now.
  for (const auto& peer : emulator_.cluster_nodes(s.cluster->id)) {
    if (peer.get() == this)
      continue;
    bool waiting;
    {
      std::lock_guard lock(peer->mu_);
      waiting = peer->etcd_waiting_bootstrap_;
    }
    if (waiting)
      peer->post_step(emulator_.timing().etcd_join.count(), &Node::etcd_ready);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- reboot / upgrade / reset

std::string Node::new_actor_id_locked() {
  return fmt::format("{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}", event_counter_ * 2654435761u,
                     epoch_ & 0xffff, event_counter_ & 0xfff, epoch_ & 0xfff,
                     std::hash<std::string>{}(spec_.address) & 0xffffffffffffULL);
}

RpcResult<std::string> Node::reboot() {
  std::string actor;
  {
    std::lock_guard lock(mu_);
    if (!powered_)
      return error(grpc::StatusCode::UNAVAILABLE, "node is powered off");
    actor = new_actor_id_locked();
    actor_ = actor;
    ++epoch_;
    sequence_event_locked("reboot", true);
    set_stage_locked(machine::MachineStatusEvent::REBOOTING);
    stop_workloads_locked();
    emit_status_locked();
  }
  emulator_.counters().reboot();
  post_step(emulator_.timing().reboot.count(), &Node::reboot_now);
  return actor;
}

void Node::reboot_now(uint64_t epoch) {
  stop_servers();
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    personality_ = Personality::Off;
  }
  boot_start(epoch);
}

RpcResult<std::string> Node::upgrade(const std::string& image, bool stage, bool force) {
  if (auto e = validate_installer_image(image))
    return *e;
  NodeSnapshot s = snapshot();
  if (s.control_plane() && !force && s.cluster && !s.cluster->etcd.has_quorum()) {
    return error(
        grpc::StatusCode::FAILED_PRECONDITION,
        "etcd is not healthy: cannot upgrade without quorum (use force to skip the check)");
  }
  std::string actor;
  {
    std::lock_guard lock(mu_);
    actor = new_actor_id_locked();
    actor_ = actor;
    ++epoch_;
    pending_upgrade_image_ = image;
    sequence_event_locked("upgrade", true);
    set_stage_locked(machine::MachineStatusEvent::UPGRADING);
    emit_status_locked();
  }
  count_upgrade();
  post_step(emulator_.timing().upgrade.count(), &Node::upgrade_installed);
  return actor;
}

std::optional<RpcError> Node::validate_installer_image(const std::string& image) const {
  std::string version, schematic;
  if (!parse_installer_image(image, &version, &schematic)) {
    return error(grpc::StatusCode::INVALID_ARGUMENT,
                 "error validating installer image \"" + image +
                     "\": expected <registry>/<repository>:<vX.Y.Z> with a Talos version tag");
  }
  return std::nullopt;
}

std::optional<RpcError> Node::install_into_inactive_slot(const std::string& image) {
  if (auto e = validate_installer_image(image))
    return e;
  std::string version, schematic;
  parse_installer_image(image, &version, &schematic);
  {
    std::lock_guard lock(mu_);
    if (!disk_.installed) {
      return error(grpc::StatusCode::FAILED_PRECONDITION, "Talos is not installed on disk");
    }
    const int inactive = 1 - disk_.active;
    disk_.slots[inactive] = Slot{version, schematic};
    disk_.boot_once = inactive;
  }
  count_upgrade();
  return std::nullopt;
}

void Node::upgrade_installed(uint64_t epoch) {
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    std::string version, schematic;
    parse_installer_image(pending_upgrade_image_, &version, &schematic);
    const int inactive = 1 - disk_.active;
    disk_.installed = true;
    disk_.slots[inactive] = Slot{version, schematic};
    disk_.boot_once = inactive;
    stop_workloads_locked();
    phase_event_locked("kexec", true);
    sequence_event_locked("upgrade", false);
    set_stage_locked(machine::MachineStatusEvent::REBOOTING);
    emit_status_locked();
  }
  post_step(emulator_.timing().reboot.count(), &Node::reboot_now);
}

std::optional<RpcError> Node::rollback() {
  {
    std::lock_guard lock(mu_);
    if (!disk_.installed)
      return error(grpc::StatusCode::FAILED_PRECONDITION, "system disk not found");
    const int previous = 1 - disk_.active;
    if (disk_.slots[previous].version.empty()) {
      return error(grpc::StatusCode::FAILED_PRECONDITION,
                   "cannot rollback to previous version: no previous boot entry found");
    }
    disk_.active = previous;
    disk_.boot_once = -1;
  }
  auto r = reboot();
  if (auto* e = std::get_if<RpcError>(&r))
    return *e;
  return std::nullopt;
}

RpcResult<std::string> Node::reset(const machine::ResetRequest& request) {
  NodeSnapshot s = snapshot();
  if (request.graceful() && s.control_plane() && s.cluster &&
      s.cluster->etcd.is_member(s.hostname)) {
    auto left = s.cluster->etcd.leave(s.hostname);
    if (!left.ok()) {
      return error(grpc::StatusCode::FAILED_PRECONDITION,
                   "failed to leave etcd cluster: " + left.error().message +
                       " (a single-member cluster needs graceful=false)");
    }
    emulator_.update_quorum(*s.cluster);
  }
  if (s.cluster)
    s.cluster->kube->remove_node(s.hostname);
  if (wipes_etcd_data(request))
    forget_etcd_data(s);
  std::string actor;
  {
    std::lock_guard lock(mu_);
    actor = new_actor_id_locked();
    actor_ = actor;
    ++epoch_;
    sequence_event_locked("reset", true);
    set_stage_locked(machine::MachineStatusEvent::RESETTING);
    stop_workloads_locked();
    bool wipe_state = false, wipe_all = request.system_partitions_to_wipe().empty() &&
                                        request.mode() != machine::ResetRequest::USER_DISKS;
    for (const auto& p : request.system_partitions_to_wipe()) {
      if (p.wipe() && p.label() == "STATE")
        wipe_state = true;
    }
    if (wipe_all)
      disk_ = DiskState{};
    if (wipe_state)
      disk_.config_yaml.clear();
    if (wipe_all || wipe_state)
      disk_config_.reset();
    if (wipe_all || wipe_state)
      config_.reset();
    emit_status_locked();
    pending_upgrade_image_ = request.reboot() ? "reboot" : "";
  }
  emulator_.counters().reset();
  post_step(emulator_.timing().reset.count(), &Node::reset_finished);
  return actor;
}

bool Node::wipes_etcd_data(const machine::ResetRequest& request) {
  if (request.mode() == machine::ResetRequest::USER_DISKS)
    return false;
  if (request.system_partitions_to_wipe().empty())
    return true;  // the whole system disk
  return std::any_of(request.system_partitions_to_wipe().begin(),
                     request.system_partitions_to_wipe().end(),
                     [](const auto& p) { return p.wipe() && p.label() == "EPHEMERAL"; });
}

// etcd's data directory lives on EPHEMERAL. When every member's copy is wiped the cluster's etcd
// is gone: the control planes wait for Bootstrap again (recovery from a snapshot). A wiped member
// of a cluster that lives on stays listed (down) until it rejoins or is removed, as in etcd.
void Node::forget_etcd_data(const NodeSnapshot& s) {
  if (!s.control_plane() || !s.cluster)
    return;
  if (s.cluster->etcd.wipe_member_data(s.hostname))
    emulator_.update_quorum(*s.cluster);
}

void Node::reset_finished(uint64_t epoch) {
  bool reboot_after;
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
    reboot_after = pending_upgrade_image_ == "reboot";
    pending_upgrade_image_.clear();
    sequence_event_locked("reset", false);
  }
  if (reboot_after) {
    reboot_now(epoch);
  } else {
    power_off();
  }
}

RpcResult<std::string> Node::shutdown() {
  std::string actor;
  {
    std::lock_guard lock(mu_);
    actor = new_actor_id_locked();
    actor_ = actor;
    ++epoch_;
    sequence_event_locked("shutdown", true);
    set_stage_locked(machine::MachineStatusEvent::SHUTTING_DOWN);
    stop_workloads_locked();
    emit_status_locked();
  }
  post_step(emulator_.timing().shutdown.count(), &Node::shutdown_finished);
  return actor;
}

void Node::shutdown_finished(uint64_t epoch) {
  {
    std::lock_guard lock(mu_);
    if (epoch != epoch_)
      return;
  }
  power_off();
}

std::optional<RpcError> Node::etcd_leave() {
  NodeSnapshot s = snapshot();
  if (!s.control_plane() || !s.cluster) {
    return error(grpc::StatusCode::UNIMPLEMENTED, "etcd is only available on control plane nodes");
  }
  auto r = s.cluster->etcd.leave(s.hostname);
  if (!r.ok()) {
    return error(r.error().code == util::ErrorCode::NotFound
                     ? grpc::StatusCode::NOT_FOUND
                     : grpc::StatusCode::FAILED_PRECONDITION,
                 r.error().message);
  }
  emulator_.update_quorum(*s.cluster);
  std::lock_guard lock(mu_);
  set_service_locked("etcd", "Finished", false, "Service finished successfully");
  return std::nullopt;
}

RpcResult<std::string> Node::issue_trustd_cert(const std::string& token, const std::string& csr) {
  NodeSnapshot s = snapshot();
  if (!s.control_plane())
    return error(grpc::StatusCode::UNAVAILABLE, "trustd is not running");
  if (token != s.config->machine_token) {
    return error(grpc::StatusCode::UNAUTHENTICATED, "invalid token");
  }
  auto signed_cert = sign_trustd_csr({s.config->os_ca_crt_pem, s.config->os_ca_key_pem}, csr);
  if (!signed_cert.ok()) {
    return error(grpc::StatusCode::INVALID_ARGUMENT, signed_cert.error().message);
  }
  return *signed_cert;
}

void Node::pull_image(const std::string& image) {
  std::lock_guard lock(mu_);
  if (std::find(pulled_images_.begin(), pulled_images_.end(), image) == pulled_images_.end()) {
    pulled_images_.push_back(image);
  }
}

bool Node::image_pulled(const std::string& image) const {
  std::lock_guard lock(mu_);
  return std::find(pulled_images_.begin(), pulled_images_.end(), image) != pulled_images_.end();
}

// ---------------------------------------------------------------- state helpers

void Node::stop_workloads_locked() {
  if (!cluster_ || !config_)
    return;
  const std::string hostname = hostname_locked();
  cluster_->kube->set_node_kubelet_running(hostname, false);
  if (config_->type == "controlplane" && cluster_->etcd.is_member(hostname)) {
    cluster_->etcd.set_member_up(hostname, false);
    emulator_.update_quorum(*cluster_);
  }
  for (auto& service : services_) {
    if (service.id == "kubelet" || service.id == "etcd") {
      set_service_locked(service.id, "Finished", false, "Service finished successfully");
    }
  }
}

void Node::set_stage_locked(Stage stage) {
  stage_ = stage;
}

void Node::set_service_locked(const std::string& id, const std::string& state, bool healthy,
                              const std::string& message) {
  auto it = std::find_if(services_.begin(), services_.end(),
                         [&](const ServiceRecord& r) { return r.id == id; });
  if (it == services_.end()) {
    services_.push_back(ServiceRecord{id});
    it = services_.end() - 1;
  }
  it->state = state;
  it->healthy = healthy;
  it->health_unknown = state != "Running";
  machine::ServiceEvent event;
  event.set_msg(message);
  event.set_state(state);
  *event.mutable_ts() = google::protobuf::util::TimeUtil::GetCurrentTime();
  it->events.push_back(event);
  if (it->events.size() > 20)
    it->events.erase(it->events.begin());

  machine::ServiceStateEvent payload;
  payload.set_service(id);
  machine::ServiceStateEvent::Action action = machine::ServiceStateEvent::INITIALIZED;
  machine::ServiceStateEvent::Action_Parse(
      [&] {
        std::string upper = state;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        return upper;
      }(),
      &action);
  payload.set_action(action);
  payload.set_message(message);
  payload.mutable_health()->set_healthy(healthy);
  payload.mutable_health()->set_unknown(it->health_unknown);
  push_event_locked(payload, "");
}

void Node::sequence_event_locked(const std::string& sequence, bool start) {
  machine::SequenceEvent event;
  event.set_sequence(sequence);
  event.set_action(start ? machine::SequenceEvent::START : machine::SequenceEvent::STOP);
  push_event_locked(event, actor_);
}

void Node::phase_event_locked(const std::string& phase, bool start) {
  machine::PhaseEvent event;
  event.set_phase(phase);
  event.set_action(start ? machine::PhaseEvent::START : machine::PhaseEvent::STOP);
  push_event_locked(event, actor_);
}

void Node::push_event_locked(const google::protobuf::Message& payload, const std::string& actor) {
  machine::Event event;
  event.mutable_data()->set_type_url("talos/runtime/" + payload.GetDescriptor()->full_name());
  event.mutable_data()->set_value(payload.SerializeAsString());
  event.set_id(fmt::format("{:020x}", ++event_counter_));
  event.set_actor_id(actor);
  events_.push_back(std::move(event));
  if (events_.size() > kEventHistory) {
    events_.pop_front();
    ++events_dropped_;
  }
  events_cv_.notify_all();
}

void Node::compute_status_locked(bool* ready, std::vector<UnmetCondition>* unmet) const {
  unmet->clear();
  *ready = false;
  if (stage_ != machine::MachineStatusEvent::BOOTING &&
      stage_ != machine::MachineStatusEvent::RUNNING) {
    return;
  }
  if (!config_) {
    unmet->push_back({"services", "waiting for the machine configuration"});
    return;
  }
  std::vector<std::string> required = {"apid", "machined", "kubelet"};
  if (config_->type == "controlplane") {
    required.push_back("etcd");
    required.push_back("trustd");
  }
  std::string not_ready;
  for (const std::string& id : required) {
    auto it = std::find_if(services_.begin(), services_.end(),
                           [&](const ServiceRecord& r) { return r.id == id; });
    if (it == services_.end() || it->state != "Running" || !it->healthy) {
      not_ready += (not_ready.empty() ? "" : ", ") + id;
    }
  }
  if (!not_ready.empty())
    unmet->push_back({"services", "waiting for " + not_ready});
  const std::string hostname = config_->hostname.empty() ? "" : config_->hostname;
  if (cluster_ && !hostname.empty() && !cluster_->kube->node_ready(hostname)) {
    unmet->push_back({"nodeReady", "node \"" + hostname + "\" status is not available yet"});
  }
  *ready = unmet->empty();
}

void Node::emit_status_locked() {
  bool ready;
  std::vector<UnmetCondition> unmet;
  compute_status_locked(&ready, &unmet);
  if (ready && stage_ == machine::MachineStatusEvent::RUNNING && !ready_at_) {
    ready_at_ = virtual_now_;
  }
  if (ready && stage_ == machine::MachineStatusEvent::RUNNING && !upgrade_times_.empty() &&
      !upgrade_times_.back().ready) {
    upgrade_times_.back().ready = std::chrono::steady_clock::now();
  }
  std::string unmet_key;
  for (const auto& u : unmet) unmet_key += u.name + ": " + u.reason + "\n";
  if (ready == last_ready_ && stage_ == last_emitted_stage_ && unmet_key == last_unmet_)
    return;
  last_ready_ = ready;
  last_emitted_stage_ = stage_;
  last_unmet_ = unmet_key;
  machine::MachineStatusEvent event;
  event.set_stage(stage_);
  event.mutable_status()->set_ready(ready);
  for (const auto& u : unmet) {
    auto* c = event.mutable_status()->add_unmet_conditions();
    c->set_name(u.name);
    c->set_reason(u.reason);
  }
  push_event_locked(event, "");
}

// ---------------------------------------------------------------- events

std::vector<machine::Event> Node::events_after(size_t index, size_t* next_index) const {
  std::lock_guard lock(mu_);
  std::vector<machine::Event> out;
  const size_t end = events_dropped_ + events_.size();
  for (size_t i = std::max(index, events_dropped_); i < end; ++i) {
    out.push_back(events_[i - events_dropped_]);
  }
  *next_index = end;
  return out;
}

std::vector<machine::Event> Node::events_tail(int tail_events) const {
  std::lock_guard lock(mu_);
  const size_t n =
      tail_events < 0 ? events_.size() : std::min(events_.size(), static_cast<size_t>(tail_events));
  return std::vector<machine::Event>(events_.end() - static_cast<long>(n), events_.end());
}

size_t Node::events_end() const {
  std::lock_guard lock(mu_);
  return events_dropped_ + events_.size();
}

void Node::wait_for_events(size_t index, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  events_cv_.wait_for(lock, timeout, [&] { return events_dropped_ + events_.size() > index; });
}

// ---------------------------------------------------------------- servers

void Node::switch_servers(Personality personality, uint64_t epoch) {
  stop_servers();
  NodeSnapshot s = snapshot();
  if (s.faults.unreachable || !s.powered)
    return;
  ServerSetup setup{personality, {}, {}, false};
  if (personality == Personality::Maintenance) {
    auto identity = make_maintenance_identity(spec_.address);
    if (!identity.ok())
      return;
    setup.identity = std::move(*identity);
  } else {
    std::lock_guard lock(mu_);
    if (!apid_cert_ || !config_)
      return;
    setup.identity = *apid_cert_;
    setup.client_ca_pem = config_->os_ca_crt_pem;
    setup.trustd = config_->type == "controlplane";
  }
  auto servers = start_node_servers(emulator_, shared_from_this(), setup);
  std::unique_ptr<kube_emu::KubeApiServer> kube;
  if (personality == Personality::Configured && s.control_plane() && s.cluster) {
    kube = start_kube_api(s, spec_.address);
  }
  std::lock_guard lock(servers_mu_);
  {
    std::lock_guard state_lock(mu_);
    if (epoch != epoch_) {
      // A power-off or reboot overtook us: do not leave these servers behind.
      if (servers.ok())
        stop_node_servers(*servers);
      return;
    }
  }
  if (servers.ok())
    servers_ = std::move(*servers);
  kube_server_ = std::move(kube);
}

void Node::stop_servers(bool hand_over_vip) {
  NodeServers old;
  std::unique_ptr<kube_emu::KubeApiServer> kube;
  std::unique_ptr<kube_emu::KubeApiServer> vip;
  {
    std::lock_guard lock(servers_mu_);
    old = std::move(servers_);
    servers_ = NodeServers{};
    kube = std::move(kube_server_);
    vip = std::move(vip_server_);
  }
  stop_node_servers(old);
  if (kube)
    kube->stop();
  if (vip) {
    vip->stop();
    const NodeSnapshot s = snapshot();
    if (hand_over_vip && s.cluster) {
      for (const auto& other : emulator_.cluster_nodes(s.cluster->id)) {
        if (other.get() != this)
          other->try_hold_vip();
      }
    }
  }
}

std::unique_ptr<kube_emu::KubeApiServer> Node::start_kube_api(const NodeSnapshot& s,
                                                              const std::string& address) {
  std::vector<std::string> sans = {spec_.address};
  const std::string host = endpoint_host(s.config->control_plane_endpoint);
  if (!host.empty())
    sans.push_back(host);
  if (!s.config->vip.empty())
    sans.push_back(s.config->vip);
  auto cert = issue_kube_apiserver_cert({s.config->k8s_ca_crt_pem, s.config->k8s_ca_key_pem}, sans);
  if (!cert.ok())
    return nullptr;
  auto started = kube_emu::KubeApiServer::start(
      s.cluster->kube, address, emulator_.options().kube_port,
      kube_emu::ServerTls{cert->cert_pem, cert->key_pem, s.config->k8s_ca_crt_pem});
  return started.ok() ? std::move(*started) : nullptr;
}

void Node::try_hold_vip() {
  const NodeSnapshot s = snapshot();
  if (!s.powered || s.faults.unreachable || !s.control_plane() || !s.cluster || !s.config ||
      s.config->vip.empty()) {
    return;
  }
  std::lock_guard lock(servers_mu_);
  if (vip_server_ || !kube_server_)
    return;  // holds it already, or not serving the API yet
  // Binding fails while another control plane holds the address: then it stays there.
  vip_server_ = start_kube_api(s, s.config->vip);
}

}  // namespace talos_emu
