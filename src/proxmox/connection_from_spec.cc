#include "proxmox/connection_from_spec.h"

#include <cstdlib>

#include <fmt/format.h>

namespace proxmox {

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    return value == nullptr ? std::nullopt : std::optional<std::string>(value);
  };
}

util::Result<ConnectionSetup> connection_from_spec(const spec::Cluster& cluster,
                                                   const EnvLookup& env) {
  const spec::ProxmoxConnection& pve = cluster.proxmox;
  const std::optional<std::string> secret = env(pve.token_secret_env);
  if (!secret || secret->empty()) {
    return util::Error::invalid_input(
               fmt::format("the Proxmox API token secret is not set: environment variable {} "
                           "is {}",
                           pve.token_secret_env, secret ? "empty" : "missing"))
        .with_hint(fmt::format("export {}=<secret of token {}> (proxmox.tokenSecretEnv names the "
                               "variable); the secret is never read from cluster.yaml or the "
                               "command line",
                               pve.token_secret_env, pve.token_id));
  }
  ConnectionSetup setup;
  setup.connection.endpoint = pve.endpoint;
  setup.connection.token_id = pve.token_id;
  setup.connection.token_secret = TokenSecret(*secret);
  setup.connection.trust.fingerprint = pve.fingerprint;
  setup.connection.trust.ca_file = pve.ca_file.empty() ? "" : cluster.resolve_path(pve.ca_file);
  setup.connection.trust.insecure_skip_verify = pve.insecure_skip_verify;
  if (pve.insecure_skip_verify) {
    setup.warning = fmt::format(
        "TLS verification of {} is OFF (proxmox.insecureSkipVerify): anyone on the path can read "
        "the API token; set proxmox.fingerprint instead",
        pve.endpoint);
  }
  return setup;
}

}  // namespace proxmox
