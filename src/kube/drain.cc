// kube::HttpApi::drain — kubectl drain --ignore-daemonsets --delete-emptydir-data through the
// API (kubernetes.md §5): cordon, list the node's pods, evict all but DaemonSet and mirror pods
// (429 = a PodDisruptionBudget says not now: retry with backoff), wait until they are gone.
#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kube/http_api.h"
#include "kube/status_error.h"

namespace kube {
namespace {

using util::Error;
using util::Result;

constexpr std::chrono::milliseconds kMaxEvictionRetry{5000};

struct PodRef {
  std::string ns;
  std::string name;
  std::string uid;
  std::string full() const { return ns + "/" + name; }
};

enum class PodKind { Evictable, DaemonSet, Mirror, Bare };

PodKind classify(const nlohmann::json& pod) {
  const nlohmann::json& meta = pod.value("metadata", nlohmann::json::object());
  if (meta.contains("annotations") && meta["annotations"].is_object() &&
      meta["annotations"].contains("kubernetes.io/config.mirror")) {
    return PodKind::Mirror;
  }
  if (meta.contains("ownerReferences") && meta["ownerReferences"].is_array()) {
    for (const nlohmann::json& owner : meta["ownerReferences"]) {
      if (owner.value("controller", false)) {
        return owner.value("kind", "") == "DaemonSet" ? PodKind::DaemonSet : PodKind::Evictable;
      }
    }
  }
  return PodKind::Bare;
}

std::chrono::milliseconds remaining(util::Clock& clock,
                                    std::chrono::steady_clock::time_point deadline) {
  return std::max(std::chrono::milliseconds(0),
                  std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now()));
}

std::string pod_path(const std::string& ns, const std::string& name) {
  return fmt::format("/api/v1/namespaces/{}/pods/{}", url_encode(ns), url_encode(name));
}

}  // namespace

Result<void> HttpApi::evict(const std::string& node, const std::string& ns, const std::string& name,
                            const DrainOptions& options,
                            std::chrono::steady_clock::time_point deadline) {
  const nlohmann::json eviction = {{"apiVersion", "policy/v1"},
                                   {"kind", "Eviction"},
                                   {"metadata", {{"name", name}, {"namespace", ns}}},
                                   {"deleteOptions", nlohmann::json::object()}};
  const HttpRequest request{"POST", pod_path(ns, name) + "/eviction", "application/json",
                            eviction.dump()};
  std::chrono::milliseconds pause = options.eviction_retry;
  for (;;) {
    ASSIGN_OR_RETURN(HttpResponse response, transport_->send(request));
    if ((response.status >= 200 && response.status < 300) || response.status == 404) {
      return {};  // 404: the pod went away by itself
    }
    if (response.status != 429) {
      return status_error(request, response, transport_->server());
    }
    const std::chrono::milliseconds left = remaining(clock_, deadline);
    if (left.count() == 0) {
      return Error::timeout(fmt::format("drain node {}: eviction of pod {}/{} still refused when "
                                        "the drain timeout ran out: {}",
                                        node, ns, name, status_message(response.body)))
          .with_hint(
              "a PodDisruptionBudget allows no disruption now: scale the workload up or "
              "relax the budget, or raise the drain timeout; the node stays cordoned");
    }
    spdlog::info("kube.evict_retry node={} pod={}/{} pause_ms={}", node, ns, name, pause.count());
    clock_.sleep_for(std::min(pause, left));
    pause = std::min(pause * 2, kMaxEvictionRetry);
  }
}

Result<void> HttpApi::wait_pod_gone(const std::string& ns, const std::string& name,
                                    const std::string& uid, const DrainOptions& options,
                                    std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const HttpRequest request{"GET", pod_path(ns, name), "", ""};
    ASSIGN_OR_RETURN(HttpResponse response, transport_->send(request));
    if (response.status == 404) {
      return {};
    }
    if (response.status != 200) {
      return status_error(request, response, transport_->server());
    }
    const nlohmann::json pod = nlohmann::json::parse(response.body, nullptr, false);
    const nlohmann::json::json_pointer uid_at("/metadata/uid");
    if (pod.is_object() && pod.contains(uid_at) && pod[uid_at] != uid) {
      return {};  // a new pod under the same name (StatefulSet): ours is gone
    }
    const std::chrono::milliseconds left = remaining(clock_, deadline);
    if (left.count() == 0) {
      return Error::timeout(
                 fmt::format("evicted pod {}/{} is still terminating when the drain timeout ran "
                             "out",
                             ns, name))
          .with_hint(
              "look at the pod's finalizers and terminationGracePeriodSeconds, or raise "
              "the drain timeout");
    }
    clock_.sleep_for(std::min(options.poll_interval, left));
  }
}

Result<DrainSummary> HttpApi::drain(const std::string& name, const DrainOptions& options) {
  const auto deadline = clock_.now() + options.timeout;
  RETURN_IF_ERROR(cordon(name));
  ASSIGN_OR_RETURN(nlohmann::json pods, call("GET", "/api/v1/pods?fieldSelector=" +
                                                        url_encode("spec.nodeName=" + name)));
  DrainSummary summary;
  std::vector<PodRef> to_evict;
  std::vector<std::string> bare;
  for (const nlohmann::json& pod : pods.value("items", nlohmann::json::array())) {
    const nlohmann::json& meta = pod.value("metadata", nlohmann::json::object());
    const PodRef ref{meta.value("namespace", ""), meta.value("name", ""), meta.value("uid", "")};
    switch (classify(pod)) {
      case PodKind::Mirror:
        summary.skipped_mirror.push_back(ref.full());
        break;
      case PodKind::DaemonSet:
        summary.skipped_daemonset.push_back(ref.full());
        break;
      case PodKind::Bare:
        bare.push_back(ref.full());
        [[fallthrough]];
      case PodKind::Evictable:
        to_evict.push_back(ref);
        break;
    }
  }
  if (!bare.empty() && !options.force) {
    std::sort(bare.begin(), bare.end());
    return Error::conflict(fmt::format("drain node {}: pods with no controller would be lost: {}",
                                       name, fmt::join(bare, ", ")))
        .with_hint("delete or move them yourself, or drain with force; the node stays cordoned");
  }
  for (const PodRef& pod : to_evict) {
    RETURN_IF_ERROR(evict(name, pod.ns, pod.name, options, deadline));
    spdlog::info("kube.evict node={} pod={}", name, pod.full());
  }
  for (const PodRef& pod : to_evict) {
    RETURN_IF_ERROR(wait_pod_gone(pod.ns, pod.name, pod.uid, options, deadline));
    summary.evicted.push_back(pod.full());
  }
  std::sort(summary.evicted.begin(), summary.evicted.end());
  std::sort(summary.skipped_daemonset.begin(), summary.skipped_daemonset.end());
  std::sort(summary.skipped_mirror.begin(), summary.skipped_mirror.end());
  return summary;
}

}  // namespace kube
