// One node out of service and back, for work that takes it down (a restart so PVE applies VM
// hardware changes, later a Talos upgrade): cordon and drain it through a control plane's
// Kubernetes API, do the work, wait until the node reports Ready again, uncordon it.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "engine/kube_connect.h"
#include "engine/progress.h"
#include "engine/wait.h"
#include "kube/api.h"
#include "util/clock.h"
#include "util/result.h"

namespace engine {

struct DrainedNode {
  std::string name;                         // the Kubernetes node name (cluster.yaml's name)
  std::vector<std::string> control_planes;  // addresses whose Kubernetes API may be asked
  std::string reason = "maintenance";       // recorded with the cordon ("talos upgrade to …")
  // Set by run_drained when the user had cordoned the node: it is drained and worked on, but
  // stays cordoned afterwards (their cordon, not talforge's).
  bool keep_cordoned = false;
};

// A node Kubernetes does not know (never joined) is worked on without a drain. A drain that fails
// uncordons the node again and stops before the work; a failed work, or a node that does not come
// back Ready within the wait, stops with the node left cordoned (the error says so).
util::Result<void> run_drained(DrainedNode& node, const KubeConnect& kube, util::Clock& clock,
                               const WaitPolicy& wait, Progress::Step& step,
                               const std::function<util::Result<void>()>& work);

// Waits until the node reports Ready (through any control plane's Kubernetes API) and uncordons
// it: what run_drained does after the work, for a caller that takes over after a failed work,
// and for a node an earlier, killed run left cordoned.
util::Result<void> return_to_service(const DrainedNode& node, const KubeConnect& kube,
                                     util::Clock& clock, const WaitPolicy& wait);

}  // namespace engine
