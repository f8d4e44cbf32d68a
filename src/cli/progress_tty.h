// The live per-node view of `apply`/`destroy` on a terminal: one line per target with a spinner,
// its current step, the time it has spent on it and its last message, redrawn in place.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iosfwd>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/progress.h"

namespace cli {

struct TargetLine {
  std::string step;
  engine::StepState state = engine::StepState::Started;
  std::string message;
  std::chrono::steady_clock::time_point since;
};

// The lines of the view at `now` (pure, for tests): "⠋ cp-1        talos.config   4.2s  message",
// ✓ for done, ✗ for failed; `frame` picks the spinner glyph; `width` truncates each line.
std::vector<std::string> render_tty_lines(
    const std::vector<std::pair<std::string, TargetLine>>& rows,
    std::chrono::steady_clock::time_point now, int frame, std::size_t width);

class TtyProgress {
 public:
  explicit TtyProgress(std::ostream& out);
  ~TtyProgress();  // stops the redraw thread and leaves the last frame on screen
  TtyProgress(const TtyProgress&) = delete;
  TtyProgress& operator=(const TtyProgress&) = delete;

  engine::EventSink sink();

 private:
  void on_event(const engine::Event& event);
  void redraw_locked();
  void run();

  std::ostream& out_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<std::pair<std::string, TargetLine>> rows_;  // in order of first appearance
  std::size_t drawn_ = 0;                                 // lines on screen from the last frame
  int frame_ = 0;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace cli
