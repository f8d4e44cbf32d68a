// Kubernetes Status answers (kubernetes.md §6.6) → classified util::Error naming verb and path.
#pragma once

#include <string>

#include "kube/http.h"
#include "util/result.h"

namespace kube {

// For a non-2xx answer: 401/403 PermissionDenied, 404 NotFound, 409 Conflict, 429 Unavailable
// (retry later), 503 and other 5xx Unavailable ("Kubernetes API at … unavailable"), the rest
// Internal. The message carries the Status message (or a short body excerpt) and the code.
util::Error status_error(const HttpRequest& request, const HttpResponse& response,
                         const std::string& server);

// The Status `message` of a reply body, or "" when it is not a Status object.
std::string status_message(const std::string& body);

}  // namespace kube
