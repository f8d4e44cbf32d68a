// engine::Progress (see progress.h).
#include "engine/progress.h"

namespace engine {

const char* step_state_name(StepState state) {
  switch (state) {
    case StepState::Started:
      return "started";
    case StepState::Progress:
      return "progress";
    case StepState::Done:
      return "done";
    case StepState::Failed:
      return "failed";
  }
  return "unknown";
}

Progress::Step::Step(Progress& progress, std::string target, std::string step)
    : progress_(progress),
      target_(std::move(target)),
      step_(std::move(step)),
      started_(progress.clock_.now()) {
  emit(StepState::Started, {});
}

void Progress::Step::note(const std::string& message) {
  emit(StepState::Progress, message);
}
void Progress::Step::finish(const std::string& message) {
  emit(StepState::Done, message);
}
void Progress::Step::fail(const std::string& message) {
  emit(StepState::Failed, message);
}

void Progress::Step::emit(StepState state, const std::string& message) {
  const auto elapsed =
      std::chrono::duration_cast<std::chrono::milliseconds>(progress_.clock_.now() - started_);
  progress_.emit({target_, step_, state, message, elapsed});
}

void Progress::emit(const Event& event) {
  if (!sink_) {
    return;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  sink_(event);
}

}  // namespace engine
