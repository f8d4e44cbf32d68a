// Bridges a talosconfig (secrets/) into Talos client connection options (talos/): which endpoints
// and nodes a context names, and the mTLS material it carries.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "secrets/bundle.h"
#include "secrets/talosconfig.h"
#include "talos/api.h"
#include "util/result.h"

namespace engine {

// One talosconfig context, ready to dial.
struct TalosTarget {
  std::string context;
  std::vector<std::string> endpoints;  // as written: "host" or "host:port"
  std::vector<std::string> nodes;      // may be empty
  talos::Credentials credentials;      // PEM text; never log it
};

// The context named `context` (empty = the file's current context). InvalidInput naming the
// context when it is missing, lists no endpoint, or lacks the CA, certificate or key.
util::Result<TalosTarget> talos_target(const secrets::Talosconfig& config,
                                       std::string_view context = {});

// The same from the secrets bundle: a fresh client certificate with `role` signed by the OS CA
// (kept in memory only), for when no talosconfig is at hand.
util::Result<TalosTarget> talos_target_from_bundle(const secrets::Bundle& bundle,
                                                   std::string context,
                                                   std::vector<std::string> endpoints,
                                                   std::vector<std::string> nodes,
                                                   const std::string& role = "os:admin");

// Secure-mode options dialling `endpoint` (executing on `node` when not empty, via `node`
// metadata). Timeouts and retries keep the talos::ConnectOptions defaults.
talos::ConnectOptions connect_options(const TalosTarget& target, const std::string& endpoint,
                                      const std::string& node = {});

}  // namespace engine
