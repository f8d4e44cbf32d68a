// engine::kube_api (see kube_connect.h).
#include "engine/kube_connect.h"

#include <chrono>

#include <fmt/format.h>

#include "engine/admin_kubeconfig.h"
#include "kube/http_api.h"
#include "kube/kubeconfig.h"

namespace engine {

util::Result<std::unique_ptr<kube::Api>> kube_api(const spec::Cluster& cluster,
                                                  const secrets::Bundle& bundle,
                                                  const std::string& control_plane_address) {
  ASSIGN_OR_RETURN(secrets::Secret yaml,
                   local_admin_kubeconfig(cluster, bundle, std::chrono::system_clock::now()));
  ASSIGN_OR_RETURN(kube::Kubeconfig kubeconfig,
                   kube::parse_kubeconfig(yaml.reveal(), "the admin kubeconfig"));
  kube::Connection connection;
  connection.kubeconfig = std::move(kubeconfig);
  connection.server_override =
      fmt::format("https://{}:{}", control_plane_address, cluster.endpoint_port);
  connection.request_timeout = std::chrono::seconds(10);
  return kube::make_api(std::move(connection));
}

}  // namespace engine
