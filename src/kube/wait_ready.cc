// kube::HttpApi::wait_node_ready — follows a watch of one node (kubernetes.md §5, kubectl wait)
// instead of polling: the first event is the node's current state (ADDED), then every change.
// The watch is re-opened when the server ends it (after one GET, for servers that answer a
// watch with a plain list), and after a pause when the API is not up.
#include <algorithm>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "kube/http_api.h"
#include "kube/node_info.h"
#include "kube/status_error.h"

namespace kube {
namespace {

using util::Error;
using util::Result;

constexpr std::chrono::milliseconds kUnavailablePause{1000};
constexpr std::chrono::milliseconds kShortestWatch{100};
constexpr std::chrono::milliseconds kRewatchPause{250};

std::string describe_state(const std::optional<NodeInfo>& node) {
  if (!node) {
    return "it has not registered (no Node object)";
  }
  return "it reports Ready=false";
}

}  // namespace

Result<bool> HttpApi::watch_until_ready(const std::string& name, std::chrono::milliseconds limit,
                                        std::optional<NodeInfo>& last_seen) {
  const long seconds = std::max<long>(1, static_cast<long>((limit.count() + 999) / 1000));
  const HttpRequest request{"GET",
                            fmt::format("/api/v1/nodes?fieldSelector={}&watch=1&timeoutSeconds={}",
                                        url_encode("metadata.name=" + name), seconds),
                            "", ""};
  bool ready = false;
  const auto on_line = [&](const std::string& line) {
    const nlohmann::json event = nlohmann::json::parse(line, nullptr, false);
    if (!event.is_object() || !event.contains("object")) {
      return true;
    }
    const std::string type = event.value("type", "");
    if (type == "ERROR") {
      return false;  // e.g. 410 Expired: re-open the watch from now
    }
    if (type == "DELETED") {
      last_seen.reset();
      return true;
    }
    if (type == "ADDED" || type == "MODIFIED") {
      last_seen = node_info_from_json(event["object"]);
      ready = last_seen->ready;
    }
    return !ready;
  };
  HttpResponse response;
  ASSIGN_OR_RETURN(WatchEnd end, transport_->watch(request, limit, on_line, response));
  if (end != WatchEnd::TimedOut && response.status != 200) {
    return status_error(request, response, transport_->server());
  }
  return ready;
}

Result<NodeInfo> HttpApi::wait_node_ready(const std::string& name,
                                          std::chrono::milliseconds timeout) {
  const auto deadline = clock_.now() + timeout;
  std::optional<NodeInfo> last_seen;
  std::optional<Error> last_error;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.now());
    if (left.count() <= 0) {
      const std::string why = last_error ? "the API was unavailable: " + last_error->message
                                         : describe_state(last_seen);
      return Error::timeout(fmt::format("node {} not Ready after {:.1f} s: {}", name,
                                        timeout.count() / 1000.0, why))
          .with_hint(
              "check the node's kubelet and CNI (talosctl -n <node> health / services), "
              "or raise the timeout");
    }
    if (left < kShortestWatch) {
      // Too short to connect and hear back: a watch now would only fail on our own limit.
      clock_.sleep_for(left);
      continue;
    }
    Result<bool> ready = watch_until_ready(name, left, last_seen);
    if (ready.ok() && *ready) {
      spdlog::info("kube.node_ready node={}", name);
      return *last_seen;
    }
    if (!ready.ok()) {
      if (ready.error().code != util::ErrorCode::Unavailable) {
        return std::move(ready).error();
      }
      // The API server may still be starting: keep waiting, but not in a tight loop.
      last_error = ready.error();
      clock_.sleep_for(std::min(kUnavailablePause, left));
    } else {
      // The server ended the watch early: its timeoutSeconds, or a server that answers a
      // watch with a plain list. One GET covers the latter; the pause keeps it from spinning.
      last_error.reset();
      Result<NodeInfo> node = get_node(name);
      if (node.ok() && node->ready) {
        spdlog::info("kube.node_ready node={}", name);
        return *node;
      }
      clock_.sleep_for(std::min(kRewatchPause, left));
    }
  }
}

}  // namespace kube
