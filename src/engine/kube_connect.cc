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

util::Result<std::unique_ptr<kube::Api>> first_answering(
    const std::vector<std::string>& control_planes, const KubeConnect& kube,
    const std::function<util::Result<void>(kube::Api&)>& ask) {
  util::Error last = util::Error::unavailable("no control plane to ask");
  for (const std::string& address : control_planes) {
    util::Result<std::unique_ptr<kube::Api>> api = kube(address);
    util::Result<void> answered = api.ok() ? ask(**api) : util::Result<void>(api.error());
    if (answered.ok()) {
      return std::move(*api);
    }
    last = std::move(answered).error();
  }
  return last;
}

}  // namespace engine
