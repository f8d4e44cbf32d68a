// talosconfig — the talosctl client file (talos.md §3.1): contexts holding endpoints, nodes and
// the client credentials (base64 of PEM in the file, PEM text in memory).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "secrets/secret.h"
#include "util/result.h"

namespace secrets {

struct TalosconfigContext {
  std::string name;
  std::vector<std::string> endpoints;  // "host" or "host:port"; written as [] when empty
  std::vector<std::string> nodes;      // omitted when empty
  std::string ca;                      // PEM of the OS CA certificate; omitted when empty
  std::string crt;                     // PEM of the client certificate; omitted when empty
  Secret key;                          // PEM of the client key; omitted when empty
};

struct Talosconfig {
  std::string context;  // the current context's name
  std::vector<TalosconfigContext> contexts;

  // The context named by `context`, or nullptr.
  const TalosconfigContext* current() const;
};

// yaml.v3 text as talosctl writes it: "context", then "contexts" with names in yaml.v3 map
// order; per context endpoints, nodes, ca, crt, key.
Secret render_talosconfig(const Talosconfig& config);

// The one-context file `talosctl gen config` writes, with `name` as the current context.
Secret render_talosconfig(std::string_view name, const std::vector<std::string>& endpoints,
                          const std::vector<std::string>& nodes, std::string_view ca_pem,
                          std::string_view crt_pem, const Secret& key_pem);

// Reads a talosconfig. The legacy per-context "target" becomes the endpoint when no endpoints
// are listed; "auth" and "cluster" (Omni) are not kept. Errors name the field
// ("contexts.home.key: not valid base64") and never quote values.
util::Result<Talosconfig> parse_talosconfig(std::string_view text, std::string_view origin);

}  // namespace secrets
