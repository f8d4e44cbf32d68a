// engine::admin_talosconfig (see admin_talosconfig.h).
#include "engine/admin_talosconfig.h"

#include <string>
#include <vector>

#include "secrets/leaf.h"
#include "secrets/talosconfig.h"

namespace engine {

util::Result<secrets::Secret> admin_talosconfig(const spec::Cluster& cluster,
                                                const secrets::Bundle& bundle,
                                                std::chrono::system_clock::time_point now) {
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey client,
                   secrets::issue_talos_client_cert(bundle.certs.os, {"os:admin"}, now));
  ASSIGN_OR_RETURN(const secrets::PemCertAndKey os_ca,
                   secrets::decode_cert_and_key(bundle.certs.os, "certs.os"));
  std::vector<std::string> endpoints;
  for (const spec::Node* cp : cluster.control_planes()) {
    endpoints.push_back(cp->address);
  }
  return secrets::render_talosconfig(cluster.name, endpoints, {}, os_ca.crt, client.crt,
                                     client.key);
}

}  // namespace engine
