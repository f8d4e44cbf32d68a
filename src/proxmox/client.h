// Calls to one Proxmox VE endpoint (proxmox.md §1, §3): the envelope decoded, transient
// failures of idempotent calls retried with backoff, and background tasks awaited.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include <nlohmann/json.hpp>

#include "proxmox/http.h"
#include "proxmox/upid.h"
#include "util/backoff.h"
#include "util/clock.h"

namespace proxmox {

struct RetryPolicy {
  int max_attempts = 5;  // first try included
  util::Backoff backoff{std::chrono::milliseconds(500), std::chrono::milliseconds(8000)};
};

struct TaskWait {
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // bpg's create/start default
  // Polls soon, then 1.5× apart: a task is seen done at most ~50% (and 1 s) after it ended,
  // with about ten polls for a 2 s task.
  util::Backoff poll{std::chrono::milliseconds(50), std::chrono::milliseconds(1000), 1.5};
  // Called on every poll while the task runs: lets the CLI show progress on long waits.
  std::function<void(const Upid&, std::chrono::milliseconds elapsed)> on_poll;
};

struct TaskResult {
  std::string exit_status;  // "OK" or "WARNINGS: n"
  std::vector<std::string> warnings;  // log lines starting with "WARN: "
};

class Client {
 public:
  Client(std::unique_ptr<HttpTransport> transport, util::Clock& clock, RetryPolicy retry = {});

  // GETs are retried on Unavailable; other methods are sent once (the caller decides whether a
  // retry is safe, e.g. after checking that a create did not happen).
  util::Result<nlohmann::json> call(Method method, const std::string& path,
                                    const Params& params = {});

  // Polls /nodes/<upid node>/tasks/<upid>/status until the task stops; a failed task is an
  // Error carrying its exit status and the last lines of its log.
  util::Result<TaskResult> wait_task(const std::string& upid, const TaskWait& wait = {});

  // An async call (its data is a UPID) followed by wait_task.
  util::Result<TaskResult> run_task(Method method, const std::string& path, const Params& params,
                                    const TaskWait& wait = {});

  int requests_sent() const { return requests_sent_; }
  util::Clock& clock() { return clock_; }

 private:
  util::Result<nlohmann::json> send_once(const HttpRequest& request);
  util::Result<std::vector<std::string>> task_log_tail(const Upid& upid, int lines);

  std::unique_ptr<HttpTransport> transport_;
  util::Clock& clock_;
  RetryPolicy retry_;
  std::atomic<int> requests_sent_{0};  // calls may come from several threads
};

}  // namespace proxmox
