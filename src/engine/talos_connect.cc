// talosconfig / secrets bundle → talos::ConnectOptions.
#include "engine/talos_connect.h"

#include <chrono>

#include <fmt/format.h>

#include "secrets/leaf.h"

namespace engine {

util::Result<TalosTarget> talos_target(const secrets::Talosconfig& config,
                                       std::string_view context) {
  const std::string name = context.empty() ? config.context : std::string(context);
  const secrets::TalosconfigContext* found = nullptr;
  for (const secrets::TalosconfigContext& c : config.contexts) {
    if (c.name == name) {
      found = &c;
    }
  }
  if (found == nullptr) {
    return util::Error::invalid_input(fmt::format("talosconfig has no context '{}'", name))
        .with_hint("pick one of its contexts, or regenerate it with `talforge talosconfig`");
  }
  if (found->endpoints.empty()) {
    return util::Error::invalid_input(
               fmt::format("talosconfig context '{}' lists no endpoints", name))
        .with_hint(
            "add the control-plane addresses under endpoints, or regenerate it with "
            "`talforge talosconfig`");
  }
  if (found->ca.empty() || found->crt.empty() || found->key.empty()) {
    return util::Error::invalid_input(
               fmt::format("talosconfig context '{}' lacks its ca, crt or key", name))
        .with_hint("regenerate it with `talforge talosconfig`");
  }
  return TalosTarget{found->name, found->endpoints, found->nodes,
                     talos::Credentials{found->ca, found->crt, found->key.reveal()}};
}

util::Result<TalosTarget> talos_target_from_bundle(const secrets::Bundle& bundle,
                                                   std::string context,
                                                   std::vector<std::string> endpoints,
                                                   std::vector<std::string> nodes,
                                                   const std::string& role) {
  ASSIGN_OR_RETURN(
      const secrets::PemCertAndKey client,
      secrets::issue_talos_client_cert(bundle.certs.os, {role}, std::chrono::system_clock::now()));
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey os_ca,
                   secrets::decode_cert_and_key(bundle.certs.os, "certs.os"));
  return TalosTarget{std::move(context), std::move(endpoints), std::move(nodes),
                     talos::Credentials{os_ca.crt, client.crt, client.key.reveal()}};
}

talos::ConnectOptions connect_options(const TalosTarget& target, const std::string& endpoint,
                                      const std::string& node) {
  talos::ConnectOptions options;
  options.endpoint = endpoint;
  options.mode = talos::ConnectMode::Secure;
  options.credentials = target.credentials;
  options.node = node;
  return options;
}

}  // namespace engine
