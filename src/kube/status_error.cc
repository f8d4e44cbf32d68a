#include "kube/status_error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace kube {

std::string status_message(const std::string& body) {
  const nlohmann::json status = nlohmann::json::parse(body, nullptr, false);
  if (status.is_object() && status.value("kind", "") == "Status" && status.contains("message") &&
      status["message"].is_string()) {
    return status["message"].get<std::string>();
  }
  return "";
}

util::Error status_error(const HttpRequest& request, const HttpResponse& response,
                         const std::string& server) {
  const std::string what = request.method + " " + request.path;
  std::string message = status_message(response.body);
  if (message.empty()) {
    message = response.body.substr(0, 200);
  }
  const std::string text = fmt::format("{}: {} (HTTP {})", what, message, response.status);
  switch (response.status) {
    case 401:
    case 403:
      return util::Error{util::ErrorCode::PermissionDenied, text}.with_hint(
          "the kubeconfig's user lacks the right; use the cluster's admin kubeconfig "
          "(O=system:masters)");
    case 404:
      return util::Error::not_found(text);
    case 409:
      return util::Error::conflict(text);
    case 429:
      return util::Error::unavailable(text);
    default:
      break;
  }
  if (response.status >= 500) {
    return util::Error::unavailable(
               fmt::format("Kubernetes API at {} unavailable: {}", server, text))
        .with_hint(
            "etcd or the API server is not healthy yet; retry once the control plane "
            "is up");
  }
  return util::Error::internal(text);
}

}  // namespace kube
