// engine::run_drained (see drained_work.h).
#include "engine/drained_work.h"

#include <chrono>

#include <fmt/format.h>

namespace engine {

util::Result<void> return_to_service(const DrainedNode& node, const KubeConnect& kube,
                                     util::Clock& clock, const WaitPolicy& wait) {
  return wait_until(
      fmt::format("{} Ready in Kubernetes and uncordoned", node.name), clock, wait,
      [&]() -> util::Result<void> {
        util::Result<std::unique_ptr<kube::Api>> done =
            first_answering(node.control_planes, kube, [&](kube::Api& api) -> util::Result<void> {
              RETURN_IF_ERROR(api.wait_node_ready(node.name, std::chrono::seconds(5)));
              return node.keep_cordoned ? util::Result<void>() : api.uncordon_own(node.name);
            });
        return done.ok() ? util::Result<void>() : util::Error::unavailable(done.error().describe());
      });
}

util::Result<void> run_drained(DrainedNode& node, const KubeConnect& kube, util::Clock& clock,
                               const WaitPolicy& wait, Progress::Step& step,
                               const std::function<util::Result<void>()>& work) {
  bool known = false;
  util::Result<std::unique_ptr<kube::Api>> api =
      first_answering(node.control_planes, kube, [&](kube::Api& asked) -> util::Result<void> {
        util::Result<kube::NodeInfo> info = asked.get_node(node.name);
        known = info.ok();
        node.keep_cordoned = known && info->unschedulable && info->cordoned_for.empty();
        return known || info.error().code == util::ErrorCode::NotFound ? util::Result<void>()
                                                                       : info.error();
      });
  if (!api.ok()) {
    return std::move(api).error()
        .with_context(fmt::format("no control plane's Kubernetes API answers about {}", node.name))
        .with_hint("bring the Kubernetes API back, then run apply again");
  }
  if (!known) {
    step.note("not a Kubernetes node yet: nothing to drain");
    return work();
  }
  // Marked as talforge's before anything else: a run killed from here on leaves a cordon the next
  // run recognises and lifts. A cordon the user set stays theirs.
  util::Result<kube::DrainSummary> drained = [&]() -> util::Result<kube::DrainSummary> {
    if (!node.keep_cordoned) {
      RETURN_IF_ERROR((*api)->cordon_for(node.name, node.reason));
    }
    return (*api)->drain(node.name, {});
  }();
  if (!drained.ok()) {
    if (!node.keep_cordoned) {
      (void)(*api)->uncordon_own(node.name);  // as it was; the drain error is what counts
    }
    return std::move(drained).error().with_context(
        fmt::format("drain {} (uncordoned again; nothing else was done)", node.name));
  }
  step.note(fmt::format("cordoned and drained ({} pods evicted)", drained->evicted.size()));
  const auto left_cordoned = [&](util::Error error) {
    return std::move(error).with_hint(fmt::format(
        "{0} stays cordoned: once it is fine again, run apply again (it returns {0} to service), "
        "or by hand: kubectl uncordon {0} && kubectl annotate node {0} {1}-",
        node.name, kube::kCordonedForAnnotation));
  };
  if (util::Result<void> done = work(); !done.ok()) {
    return left_cordoned(std::move(done).error());
  }
  if (util::Result<void> back = return_to_service(node, kube, clock, wait); !back.ok()) {
    return left_cordoned(std::move(back).error());
  }
  step.note(node.keep_cordoned ? "Ready again (left cordoned: it was cordoned before)"
                                : "Ready again and uncordoned");
  return {};
}

}  // namespace engine
