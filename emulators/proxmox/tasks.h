// Worker tasks (proxmox.md §2.15, §3.1): every async call answers with a UPID in PVE's exact
// format and runs its work on a thread; status and log are read back through the API.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace pve_emu {

struct TaskInfo {
  std::string upid, node, type, id, user, token_name;
  unsigned pid = 0, pstart = 0;
  long long starttime = 0, endtime = 0;
  bool running = true;
  std::string exitstatus;  // "OK", "WARNINGS: n" or the error text, once stopped
  std::vector<std::string> log;
  double emulated_seconds = 0;  // slept so far, unscaled (× slow-task factor)
};

// Handed to a task's work: log lines and scaled waits. The work returns "" for success or the
// error text that becomes the exitstatus ("TASK ERROR: <text>" in the log).
class TaskContext {
 public:
  virtual ~TaskContext() = default;
  virtual void log(const std::string& line) = 0;
  virtual void warn(const std::string& line) = 0;  // "WARN: …", counts toward "WARNINGS: n"
  // Sleeps `seconds` of emulated time (× time scale × slow-task factor); false when shutting down.
  virtual bool sleep(double seconds) = 0;
};

using TaskWork = std::function<std::string(TaskContext&)>;

class TaskRegistry {
 public:
  explicit TaskRegistry(double time_scale) : time_scale_(time_scale) {}
  ~TaskRegistry();

  // Starts `work` on its own thread and returns the UPID; `user` is the full token id.
  std::string start(const std::string& node, const std::string& type, const std::string& id,
                    const std::string& user, TaskWork work);
  std::optional<TaskInfo> find(const std::string& upid) const;
  std::vector<TaskInfo> list(const std::string& node) const;
  // The longest emulated duration (unscaled seconds) of any task of each type, e.g. "qmcreate":
  // what a caller that waits on such a task cannot go below (benchmarks' critical path).
  std::map<std::string, double> longest_by_type() const;
  void set_slow_factor(double factor) { slow_factor_ = factor; }
  void shutdown();  // wakes every sleeping task and waits until all have ended

 private:
  class Context;
  double time_scale_;
  std::atomic<double> slow_factor_{1.0};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, TaskInfo> tasks_;
  int active_ = 0;  // worker threads (detached) still running; shutdown() waits for 0
  unsigned next_pid_ = 0x2A310;
};

// True when `upid` has PVE's shape (the regex of proxmox.md §2.15).
bool is_valid_upid(const std::string& upid);

}  // namespace pve_emu
