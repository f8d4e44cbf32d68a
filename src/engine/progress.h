// The stream of engine events that progress renderers (plain lines, NDJSON, a live TTY view)
// subscribe to. Events carry names and states only — never config or key material.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>

#include "util/clock.h"

namespace engine {

enum class StepState { Started, Progress, Done, Failed };

struct Event {
  std::string target;  // node name, "pve1/local" for a boot image, or the cluster name
  std::string step;    // e.g. "vm.create", "talos.apply-config", "cluster.health"
  StepState state = StepState::Started;
  std::string message;
  std::chrono::milliseconds elapsed{0};  // since the step started (Done/Failed/Progress)
};

const char* step_state_name(StepState state);  // started | progress | done | failed

using EventSink = std::function<void(const Event&)>;

// Serialises events from worker threads into one sink and measures each step's duration.
class Progress {
 public:
  Progress(EventSink sink, util::Clock& clock) : sink_(std::move(sink)), clock_(clock) {}

  // One running step; reports Done on finish() or Failed on fail().
  class Step {
   public:
    Step(Progress& progress, std::string target, std::string step);
    void note(const std::string& message);
    void finish(const std::string& message = {});
    void fail(const std::string& message);

   private:
    void emit(StepState state, const std::string& message);
    Progress& progress_;
    std::string target_;
    std::string step_;
    std::chrono::steady_clock::time_point started_;
  };

  Step start(std::string target, std::string step) {
    return Step(*this, std::move(target), std::move(step));
  }
  util::Clock& clock() { return clock_; }

 private:
  void emit(const Event& event);

  EventSink sink_;
  util::Clock& clock_;
  std::mutex mutex_;
};

}  // namespace engine
