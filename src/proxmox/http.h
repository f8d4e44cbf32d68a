// One HTTP exchange with the Proxmox VE API (proxmox.md §1): what the client sends and what it
// gets back, independent of the library that carries it, so everything above the transport can
// be tested with a scripted fake.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace proxmox {

enum class Method { Get, Post, Put, Delete };

const char* method_name(Method method);

using Params = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  Method method = Method::Get;
  // Below /api2/json, starting with '/', placeholders already filled in and percent-encoded
  // where they hold reserved characters (volume ids, UPIDs: see encode_path_segment).
  std::string path;
  // Query string for GET/DELETE, form body (application/x-www-form-urlencoded) for POST/PUT,
  // the encoding every PVE release accepts (§1.3). Values are strings on the wire.
  Params params;
};

struct HttpResponse {
  int status = 0;
  std::string reason;  // the status line's reason phrase: PVE puts the error's first line here
  std::string body;
};

// The transport: delivers one request. A connection or TLS failure is an Error (Unavailable,
// or PermissionDenied for a certificate that does not match the configured trust); any HTTP
// answer, including 4xx/5xx, is a response.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual util::Result<HttpResponse> send(const HttpRequest& request) = 0;
};

// Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are).
std::string encode_path_segment(const std::string& segment);

}  // namespace proxmox
