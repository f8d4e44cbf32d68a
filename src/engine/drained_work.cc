// engine::run_drained (see drained_work.h).
#include "engine/drained_work.h"

#include <chrono>

#include <fmt/format.h>

namespace engine {
namespace {

struct KubeView {
  std::unique_ptr<kube::Api> api;
  bool knows_node = false;
};

// The first control plane whose Kubernetes API answers about the node.
util::Result<KubeView> kube_view(const DrainedNode& node, const KubeConnect& kube) {
  util::Error last = util::Error::unavailable("no control plane to ask");
  for (const std::string& address : node.control_planes) {
    util::Result<std::unique_ptr<kube::Api>> api = kube(address);
    if (!api.ok()) {
      last = std::move(api).error();
      continue;
    }
    util::Result<kube::NodeInfo> info = (*api)->get_node(node.name);
    if (info.ok() || info.error().code == util::ErrorCode::NotFound) {
      return KubeView{std::move(*api), info.ok()};
    }
    last = std::move(info).error();
  }
  return std::move(last)
      .with_context(fmt::format("no control plane's Kubernetes API answers about {}", node.name))
      .with_hint("bring the Kubernetes API back, then run apply again");
}

// Through any control plane: a control plane that is itself restarting serves no API meanwhile.
util::Result<void> wait_ready_and_uncordon(const DrainedNode& node, const KubeConnect& kube,
                                           util::Clock& clock, const WaitPolicy& wait) {
  return wait_until(
      fmt::format("{} Ready in Kubernetes and uncordoned", node.name), clock, wait,
      [&]() -> util::Result<void> {
        util::Error last = util::Error::unavailable("no control plane to ask");
        for (const std::string& address : node.control_planes) {
          util::Result<std::unique_ptr<kube::Api>> api = kube(address);
          if (!api.ok()) {
            last = std::move(api).error();
            continue;
          }
          util::Result<kube::NodeInfo> ready =
              (*api)->wait_node_ready(node.name, std::chrono::seconds(5));
          util::Result<void> uncordoned =
              ready.ok() ? (*api)->uncordon(node.name) : util::Result<void>(ready.error());
          if (uncordoned.ok()) {
            return {};
          }
          last = std::move(uncordoned).error();
        }
        return util::Error::unavailable(last.describe());
      });
}

}  // namespace

util::Result<void> run_drained(const DrainedNode& node, const KubeConnect& kube, util::Clock& clock,
                               const WaitPolicy& wait, Progress::Step& step,
                               const std::function<util::Result<void>()>& work) {
  ASSIGN_OR_RETURN(KubeView view, kube_view(node, kube));
  if (!view.knows_node) {
    step.note("not a Kubernetes node yet: nothing to drain");
    return work();
  }
  util::Result<kube::DrainSummary> drained = view.api->drain(node.name, {});
  if (!drained.ok()) {
    (void)view.api->uncordon(node.name);  // as it was; the drain error is what counts
    return std::move(drained).error().with_context(
        fmt::format("drain {} (uncordoned again; nothing else was done)", node.name));
  }
  step.note(fmt::format("cordoned and drained ({} pods evicted)", drained->evicted.size()));
  const auto left_cordoned = [&](util::Error error) {
    return std::move(error).with_hint(fmt::format(
        "{} stays cordoned: once it is fine again, run apply again or kubectl uncordon {}",
        node.name, node.name));
  };
  if (util::Result<void> done = work(); !done.ok()) {
    return left_cordoned(std::move(done).error());
  }
  if (util::Result<void> back = wait_ready_and_uncordon(node, kube, clock, wait); !back.ok()) {
    return left_cordoned(std::move(back).error());
  }
  step.note("Ready again and uncordoned");
  return {};
}

}  // namespace engine
