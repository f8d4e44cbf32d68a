// One HTTP exchange with the Kubernetes API, independent of the library that carries it, so
// the client above can be tested with a scripted fake.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "util/result.h"

namespace kube {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PATCH, DELETE
  std::string path;            // from '/', query string included, already percent-encoded
  std::string content_type;    // of `body`; empty = no body
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

// How a watch stream ended.
enum class WatchEnd {
  Stopped,   // the line callback asked to stop
  Closed,    // the server ended the stream (its timeoutSeconds passed)
  TimedOut,  // the client's time limit passed first
};

// Called with each complete line of a watch body (one JSON event); false stops the watch.
using WatchLineFn = std::function<bool(const std::string& line)>;

// The transport: a connection or TLS failure is an Error (Unavailable, or PermissionDenied for
// trust and client-certificate failures); any HTTP answer, 4xx/5xx included, is a response.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual util::Result<HttpResponse> send(const HttpRequest& request) = 0;
  // GET `request.path` and feed its body line by line while the status is 200, for at most
  // `limit`. A non-200 answer is returned whole in `response` (status and body).
  virtual util::Result<WatchEnd> watch(const HttpRequest& request, std::chrono::milliseconds limit,
                                       const WatchLineFn& on_line, HttpResponse& response) = 0;
  // "https://host:port" this transport talks to, for messages.
  virtual const std::string& server() const = 0;
};

// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
std::string url_encode(const std::string& text);

}  // namespace kube
