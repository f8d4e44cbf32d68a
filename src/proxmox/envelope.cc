#include "proxmox/envelope.h"

#include <regex>

#include <fmt/format.h>

namespace proxmox {
namespace {

using nlohmann::json;
using util::Error;
using util::ErrorCode;

bool contains(const std::string& text, const char* needle) {
  return text.find(needle) != std::string::npos;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

// "vmid: VM 200 already exists; name: invalid format - …" in a stable (sorted) order.
std::string parameter_errors(const json& errors) {
  std::string out;
  for (auto it = errors.begin(); it != errors.end(); ++it) {
    const std::string text = it->is_string() ? it->get<std::string>() : it->dump();
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", it.key(), trim(text));
  }
  return out;
}

ErrorCode classify(int status, const std::string& text) {
  if (status == 401 || status == 403) {
    return ErrorCode::PermissionDenied;
  }
  if (status == 400) {
    return contains(text, "already exists") ? ErrorCode::AlreadyExists : ErrorCode::InvalidInput;
  }
  if (status == 502 || status == 503 || status >= 595 || is_transient_failure_text(text)) {
    return ErrorCode::Unavailable;
  }
  if (contains(text, "already exists")) {
    return ErrorCode::AlreadyExists;
  }
  if (contains(text, "does not exist") || contains(text, "no such")) {
    return ErrorCode::NotFound;
  }
  if (contains(text, "VM is locked") || contains(text, "is running") ||
      contains(text, "not running") || contains(text, "checksum mismatch")) {
    return ErrorCode::Conflict;
  }
  return ErrorCode::Internal;
}

std::string hint_for(int status, ErrorCode code) {
  if (status == 401) {
    return "check proxmox.tokenId and the secret in the environment variable named by "
           "proxmox.tokenSecretEnv (tokens can expire or be deleted)";
  }
  if (status == 403) {
    return "grant the missing privilege to the token (and, with privilege separation, to its "
           "user) on that path: see docs/cluster-yaml.md#proxmox-token";
  }
  if (code == ErrorCode::Unavailable) {
    return "transient on the Proxmox side; talforge retries these with backoff";
  }
  return "";
}

}  // namespace

bool is_transient_failure_text(const std::string& text) {
  return contains(text, "got timeout") || contains(text, "got lock request timeout") ||
         contains(text, "got no worker upid") || contains(text, "no quorum") ||
         contains(text, "Connection refused") || contains(text, "proxy handshake");
}

util::Result<json> decode_response(const HttpRequest& request, const HttpResponse& response) {
  const std::string what = fmt::format("{} {}", method_name(request.method), request.path);
  json body = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (response.status >= 200 && response.status < 300) {
    if (body.is_discarded() || !body.is_object() || !body.contains("data")) {
      return Error::internal(fmt::format("{}: Proxmox answered {} without a JSON data envelope",
                                         what, response.status));
    }
    return body["data"];
  }
  std::string text = trim(response.reason);
  if (body.is_object() && body.contains("message") && body["message"].is_string()) {
    text = trim(body["message"].get<std::string>());
  }
  if (body.is_object() && body.contains("errors") && body["errors"].is_object()) {
    text = fmt::format("{} ({})", text.empty() ? "Parameter verification failed." : text,
                       parameter_errors(body["errors"]));
  }
  if (text.empty()) {
    text = fmt::format("HTTP {}", response.status);
  }
  const ErrorCode code = classify(response.status, text);
  Error error{code, fmt::format("{}: Proxmox answered {}: {}", what, response.status, text)};
  error.hint = hint_for(response.status, code);
  return error;
}

}  // namespace proxmox
