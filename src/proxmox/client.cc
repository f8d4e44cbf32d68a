#include "proxmox/client.h"

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "proxmox/api_schema.h"
#include "proxmox/envelope.h"

namespace proxmox {
namespace {

using nlohmann::json;
using util::Error;
using util::Result;

bool task_succeeded(const std::string& exit_status) {
  return exit_status == "OK" || exit_status.rfind("WARNINGS:", 0) == 0;
}

std::string task_path(const Upid& upid, const char* leaf) {
  return fmt::format("/nodes/{}/tasks/{}/{}", upid.node, encode_path_segment(upid.text), leaf);
}

}  // namespace

Client::Client(std::unique_ptr<HttpTransport> transport, util::Clock& clock, RetryPolicy retry)
    : transport_(std::move(transport)), clock_(clock), retry_(retry) {}

Result<json> Client::send_once(const HttpRequest& request) {
  RETURN_IF_ERROR(validate_request(request));
  ++requests_sent_;
  const auto started = std::chrono::steady_clock::now();
  Result<HttpResponse> response = transport_->send(request);
  // The path only: parameters may carry cloud-init values and are not for logs.
  spdlog::debug("pve.call method={} path={} status={} took_ms={}", method_name(request.method),
                request.path, response.ok() ? std::to_string(response->status) : "none",
                std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count());
  if (!response.ok()) {
    return std::move(response).error();
  }
  return decode_response(request, *response);
}

Result<json> Client::call(Method method, const std::string& path, const Params& params) {
  const HttpRequest request{method, path, params};
  const int attempts = method == Method::Get ? retry_.max_attempts : 1;
  for (int attempt = 1;; ++attempt) {
    Result<json> result = send_once(request);
    if (result.ok() || result.error().code != util::ErrorCode::Unavailable ||
        attempt >= attempts) {
      return result;
    }
    clock_.sleep_for(retry_.backoff.delay(attempt));
  }
}

Result<std::vector<std::string>> Client::task_log_tail(const Upid& upid, int lines) {
  ASSIGN_OR_RETURN(json log, call(Method::Get, task_path(upid, "log"), {{"limit", "0"}}));
  std::vector<std::string> out;
  for (const json& line : log) {
    if (line.contains("t") && line["t"].is_string()) {
      out.push_back(line["t"].get<std::string>());
    }
  }
  if (static_cast<int>(out.size()) > lines) {
    out.erase(out.begin(), out.end() - lines);
  }
  return out;
}

Result<TaskResult> Client::wait_task(const std::string& text, const TaskWait& wait) {
  ASSIGN_OR_RETURN(Upid upid, parse_upid(text));
  const auto started = clock_.now();
  for (int poll = 1;; ++poll) {
    ASSIGN_OR_RETURN(json status, call(Method::Get, task_path(upid, "status")));
    if (status.value("status", "") == "stopped") {
      const std::string exit_status = status.value("exitstatus", "");
      ASSIGN_OR_RETURN(std::vector<std::string> log, task_log_tail(upid, 10));
      if (!task_succeeded(exit_status)) {
        std::string tail;
        for (const std::string& line : log) {
          tail += "\n  " + line;
        }
        const auto code = is_transient_failure_text(exit_status) ? util::ErrorCode::Unavailable
                                                                 : util::ErrorCode::Internal;
        return Error{code, fmt::format("Proxmox task {} ({} {}) on {} failed: {}; task log:{}",
                                       upid.type, upid.id, upid.text, upid.node, exit_status,
                                       tail)};
      }
      TaskResult result{exit_status, {}};
      for (const std::string& line : log) {
        if (line.rfind("WARN: ", 0) == 0) {
          result.warnings.push_back(line);
        }
      }
      return result;
    }
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now() - started);
    if (elapsed >= wait.timeout) {
      return Error::timeout(fmt::format("Proxmox task {} on {} still running after {} s",
                                        upid.text, upid.node, elapsed.count() / 1000))
          .with_hint("the task goes on in Proxmox; see Datacenter → Tasks, and re-run once it "
                     "has finished");
    }
    if (wait.on_poll) {
      wait.on_poll(upid, elapsed);
    }
    clock_.sleep_for(wait.poll.delay(poll));
  }
}

Result<TaskResult> Client::run_task(Method method, const std::string& path, const Params& params,
                                    const TaskWait& wait) {
  ASSIGN_OR_RETURN(json upid, call(method, path, params));
  if (!upid.is_string()) {
    return Error::internal(fmt::format("{} {}: Proxmox returned {} instead of a task id",
                                       method_name(method), path, upid.dump()));
  }
  return wait_task(upid.get<std::string>(), wait);
}

}  // namespace proxmox
