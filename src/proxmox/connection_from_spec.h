// The Proxmox connection of a cluster.yaml: endpoint, token id and TLS trust from the file, the
// token secret from the environment variable the file names (never from argv, never logged).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "proxmox/connection.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace proxmox {

// Looks up an environment variable; injected so tests need not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

EnvLookup process_environment();

struct ConnectionSetup {
  Connection connection;
  // Printed by the CLI on every run when TLS verification is switched off.
  std::optional<std::string> warning;
};

util::Result<ConnectionSetup> connection_from_spec(const spec::Cluster& cluster,
                                                   const EnvLookup& env);

}  // namespace proxmox
