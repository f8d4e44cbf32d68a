// A Kubernetes API client for the cluster, authenticated with an admin certificate signed locally
// from the bundle's Kubernetes CA (engine/admin_kubeconfig.h), talking to one control plane's own
// address (the VIP may not be up, or may sit on the node being worked on).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kube/api.h"
#include "secrets/bundle.h"
#include "spec/cluster.h"
#include "util/result.h"

namespace engine {

// A Kubernetes API client through the control plane at this address.
using KubeConnect =
    std::function<util::Result<std::unique_ptr<kube::Api>>(const std::string& address)>;

// The first control plane whose Kubernetes API answers `ask` without an error; the client stays
// usable for more calls. A control plane that is itself restarting serves no API meanwhile.
util::Result<std::unique_ptr<kube::Api>> first_answering(
    const std::vector<std::string>& control_planes, const KubeConnect& kube,
    const std::function<util::Result<void>(kube::Api&)>& ask);

// `control_plane_address`: an IP of a control plane; port = the cluster's endpoint port.
util::Result<std::unique_ptr<kube::Api>> kube_api(const spec::Cluster& cluster,
                                                  const secrets::Bundle& bundle,
                                                  const std::string& control_plane_address);

}  // namespace engine
