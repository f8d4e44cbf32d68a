// engine::wait_cluster_healthy (see cluster_health.h).
#include "engine/cluster_health.h"

namespace engine {

util::Result<void> wait_cluster_healthy(const spec::Cluster& cluster, const TalosDialer& dial,
                                        std::chrono::seconds timeout, Progress::Step& step) {
  const std::vector<const spec::Node*> cps = cluster.control_planes();
  if (cps.empty()) {
    return {};
  }
  talos::HealthCheckRequest request;
  request.wait_timeout = timeout;
  for (const spec::Node& n : cluster.nodes) {
    (n.role == spec::NodeRole::ControlPlane ? request.control_plane_nodes : request.worker_nodes)
        .push_back(n.address);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<talos::Api> api,
                   dial(cps.front()->address, talos::ConnectMode::Secure));
  talos::StreamOptions stream;
  stream.timeout = timeout + std::chrono::minutes(1);
  return api->health_check(
      request,
      [&](const std::string& line) {
        step.note(line);
        return true;
      },
      stream);
}

}  // namespace engine
