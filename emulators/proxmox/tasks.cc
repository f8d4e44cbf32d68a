#include "emulators/proxmox/tasks.h"

#include <algorithm>
#include <chrono>
#include <regex>
#include <thread>

#include <fmt/format.h>

namespace pve_emu {

class TaskRegistry::Context final : public TaskContext {
 public:
  Context(TaskRegistry& registry, std::string upid) : registry_(registry), upid_(std::move(upid)) {}

  void log(const std::string& line) override {
    std::lock_guard lock(registry_.mutex_);
    registry_.tasks_[upid_].log.push_back(line);
  }
  void warn(const std::string& line) override {
    ++warnings_;
    log("WARN: " + line);
  }
  bool sleep(double seconds) override {
    const double slowed = seconds * registry_.slow_factor_.load();
    const auto duration = std::chrono::duration<double>(slowed * registry_.time_scale_);
    std::unique_lock lock(registry_.mutex_);
    registry_.tasks_[upid_].emulated_seconds += slowed;
    return !registry_.wake_.wait_for(lock, duration,
                                     [this] { return registry_.stopping_.load(); });
  }
  int warnings() const { return warnings_; }

 private:
  TaskRegistry& registry_;
  std::string upid_;
  int warnings_ = 0;
};

TaskRegistry::~TaskRegistry() { shutdown(); }

void TaskRegistry::shutdown() {
  stopping_ = true;
  std::unique_lock lock(mutex_);
  wake_.notify_all();
  wake_.wait(lock, [this] { return active_ == 0; });
}

std::string TaskRegistry::start(const std::string& node, const std::string& type,
                                const std::string& id, const std::string& user, TaskWork work) {
  using namespace std::chrono;
  TaskInfo info;
  info.node = node;
  info.type = type;
  info.id = id;
  info.user = user.substr(0, user.find('!'));
  if (user.find('!') != std::string::npos) {
    info.token_name = user.substr(user.find('!') + 1);
  }
  info.starttime = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
  // pstart: the worker's start in clock ticks since boot (100 Hz); the emulator "booted" at start.
  info.pstart = 0x01000000u +
                static_cast<unsigned>(duration_cast<milliseconds>(
                                          steady_clock::now().time_since_epoch())
                                          .count() /
                                      10 % 0x0F000000);
  {
    std::lock_guard lock(mutex_);
    info.pid = next_pid_++;
    info.upid = fmt::format("UPID:{}:{:08X}:{:08X}:{:08X}:{}:{}:{}:", node, info.pid, info.pstart,
                            info.starttime, type, id, user);
    tasks_[info.upid] = info;
    ++active_;
  }
  const std::string upid = info.upid;
  std::thread worker([this, upid, work = std::move(work)] {
    Context context(*this, upid);
    std::string error = work(context);
    std::lock_guard lock(mutex_);
    TaskInfo& task = tasks_[upid];
    if (!error.empty()) {
      task.exitstatus = error;
      task.log.push_back("TASK ERROR: " + error);
    } else if (context.warnings() > 0) {
      task.exitstatus = fmt::format("WARNINGS: {}", context.warnings());
      task.log.push_back("TASK " + task.exitstatus);
    } else {
      task.exitstatus = "OK";
      task.log.push_back("TASK OK");
    }
    task.endtime = duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
    task.running = false;
    --active_;
    wake_.notify_all();  // shutdown() may be waiting; nothing touches `this` after the unlock
  });
  worker.detach();
  return upid;
}

std::optional<TaskInfo> TaskRegistry::find(const std::string& upid) const {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(upid);
  if (it == tasks_.end()) {
    return std::nullopt;
  }
  return it->second;
}

std::vector<TaskInfo> TaskRegistry::list(const std::string& node) const {
  std::lock_guard lock(mutex_);
  std::vector<TaskInfo> out;
  for (const auto& [upid, task] : tasks_) {
    if (task.node == node) {
      out.push_back(task);
    }
  }
  return out;
}

std::map<std::string, double> TaskRegistry::longest_by_type() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, double> out;
  for (const auto& [upid, task] : tasks_) {
    out[task.type] = std::max(out[task.type], task.emulated_seconds);
  }
  return out;
}

bool is_valid_upid(const std::string& upid) {
  static const std::regex kUpid(
      R"(UPID:([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):)");
  return std::regex_match(upid, kUpid);
}

}  // namespace pve_emu
