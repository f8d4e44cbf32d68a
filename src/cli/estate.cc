// cli::open_estate (see estate.h).
#include "cli/estate.h"

#include <chrono>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "engine/desired_state.h"
#include "engine/kube_connect.h"
#include "proxmox/connection_from_spec.h"
#include "proxmox/curl_transport.h"
#include "talos/api_port_probe.h"
#include "util/clock.h"

namespace cli {
namespace {

// Probes should answer fast on a healthy network; an unreachable node must not hold up a plan.
constexpr std::chrono::seconds kProbeTimeout{5};
// A port check answers within a round trip; a powered-off machine answers never.
constexpr std::chrono::milliseconds kPortCheckTimeout{200};

std::unique_ptr<proxmox::Client> pve_client(const spec::Cluster& cluster, Context& ctx) {
  util::Result<proxmox::ConnectionSetup> setup =
      proxmox::connection_from_spec(cluster, proxmox::process_environment());
  if (!setup.ok()) {
    ctx.report(std::move(setup).error().with_context(cluster.file));
    return nullptr;
  }
  if (setup->warning) {
    *ctx.err << "warning: " << *setup->warning << "\n";
  }
  util::Result<std::unique_ptr<proxmox::HttpTransport>> transport =
      proxmox::make_curl_transport(std::move(setup->connection));
  if (!transport.ok()) {
    ctx.report(transport.error());
    return nullptr;
  }
  return std::make_unique<proxmox::Client>(std::move(*transport), util::system_clock());
}

}  // namespace

engine::TalosDialer talos_dialer(engine::TalosTarget target) {
  return [target = std::move(target)](const std::string& address, talos::ConnectMode mode) {
    talos::ConnectOptions options;
    if (mode == talos::ConnectMode::Secure) {
      options = engine::connect_options(target, address);
    } else {
      options.endpoint = address;
      options.mode = talos::ConnectMode::Maintenance;
    }
    options.call_timeout = kProbeTimeout;
    options.retry.max_attempts = 1;
    return talos::make_grpc_api(std::move(options));
  };
}

std::optional<PveAccess> open_pve(const spec::Cluster& cluster, Context& ctx) {
  PveAccess access;
  access.client = pve_client(cluster, ctx);
  if (!access.client) {
    return std::nullopt;
  }
  access.api = proxmox::make_http_api(*access.client);
  return access;
}

std::optional<Estate> open_estate(const std::string& file, const TalosAccessOptions& access,
                                  Context& ctx) {
  std::optional<ClusterInputs> inputs = load_cluster_inputs(file, ctx);
  if (!inputs) {
    return std::nullopt;
  }
  Estate estate;
  util::Result<std::vector<talos::NodeConfig>> configs = talos::generate_cluster_configs(
      inputs->cluster, inputs->config_secrets, inputs->schematic_id);
  if (!configs.ok()) {
    ctx.report(configs.error());
    return std::nullopt;
  }
  // The bundle is authoritative for the cluster it built: an out/talosconfig left from an older
  // bundle must not make plan/apply see foreign nodes. --talosconfig still overrides.
  std::optional<engine::TalosTarget> target;
  if (access.talosconfig.empty()) {
    util::Result<engine::TalosTarget> from_bundle = engine::talos_target_from_bundle(
        inputs->bundle, inputs->cluster.name, control_plane_addresses(inputs->cluster), {});
    if (!from_bundle.ok()) {
      ctx.report(std::move(from_bundle).error().with_context("client certificate from the bundle"));
      return std::nullopt;
    }
    target = std::move(*from_bundle);
  } else {
    target = talos_access(*inputs, access, ctx);
  }
  if (!target) {
    return std::nullopt;
  }
  std::optional<PveAccess> pve = open_pve(inputs->cluster, ctx);
  if (!pve) {
    return std::nullopt;
  }
  estate.pve_client = std::move(pve->client);
  estate.pve = std::move(pve->api);
  estate.dial = talos_dialer(std::move(*target));
  estate.talos_port_open = [](const std::string& address) {
    return talos::api_port_accepts(address, kPortCheckTimeout);
  };
  // Its own copy: the Estate (and its inputs) moves after this.
  auto kube_inputs =
      std::make_shared<const std::pair<spec::Cluster, secrets::Bundle>>(inputs->cluster,
                                                                         inputs->bundle);
  estate.kube = [kube_inputs](const std::string& address) {
    return engine::kube_api(kube_inputs->first, kube_inputs->second, address);
  };
  estate.desired = engine::desired_state(inputs->cluster, *configs, inputs->schematic_id);
  estate.configs = std::move(*configs);
  estate.inputs = std::move(*inputs);
  return estate;
}

std::optional<plan::Observed> observe_estate(Estate& estate, Context& ctx) {
  util::Result<plan::Observed> observed =
      engine::observe(estate.inputs.cluster, estate.desired, *estate.pve, estate.dial,
                      {.kube = estate.kube});
  if (!observed.ok()) {
    ctx.report(observed.error());
    return std::nullopt;
  }
  return std::move(*observed);
}

}  // namespace cli
