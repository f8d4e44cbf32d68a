// Small derived views of the cluster model.
#include "spec/cluster.h"

#include <filesystem>

#include <fmt/format.h>

namespace spec {

std::string Cluster::endpoint_url() const {
  const bool ipv6 = endpoint.find(':') != std::string::npos;
  return ipv6 ? fmt::format("https://[{}]:{}", endpoint, endpoint_port)
              : fmt::format("https://{}:{}", endpoint, endpoint_port);
}

std::vector<const Node*> Cluster::control_planes() const {
  std::vector<const Node*> out;
  for (const Node& n : nodes) {
    if (n.role == NodeRole::ControlPlane) {
      out.push_back(&n);
    }
  }
  return out;
}

std::string Cluster::resolve_path(const std::string& path) const {
  const std::filesystem::path p(path);
  if (p.is_absolute()) {
    return path;
  }
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

}  // namespace spec
