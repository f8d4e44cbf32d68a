// The live terminal view (see progress_tty.h).
#include "cli/progress_tty.h"

#include <algorithm>
#include <ostream>
#include <sys/ioctl.h>
#include <unistd.h>

#include <fmt/format.h>

namespace cli {
namespace {

constexpr const char* kSpinner[] = {"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"};
constexpr std::chrono::milliseconds kTick{100};

std::size_t terminal_width() {
  winsize size{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) {
    return size.ws_col;
  }
  return 100;
}

// Cuts to `width` display columns, counting UTF-8 lead bytes only.
std::string fit(const std::string& line, std::size_t width) {
  std::size_t columns = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80 && ++columns > width) {
      return line.substr(0, i);
    }
  }
  return line;
}

}  // namespace

std::vector<std::string> render_tty_lines(
    const std::vector<std::pair<std::string, TargetLine>>& rows,
    std::chrono::steady_clock::time_point now, int frame, std::size_t width) {
  std::vector<std::string> out;
  for (const auto& [target, line] : rows) {
    const char* glyph = line.state == engine::StepState::Done     ? "✓"
                        : line.state == engine::StepState::Failed ? "✗"
                                                                  : kSpinner[frame % 10];
    const double seconds = std::chrono::duration<double>(now - line.since).count();
    const std::string elapsed =
        line.state == engine::StepState::Done || line.state == engine::StepState::Failed
            ? ""
            : fmt::format("{:.1f}s", seconds);
    out.push_back(fit(
        fmt::format("{} {:<12} {:<17} {:>6}  {}", glyph, target, line.step, elapsed, line.message),
        width));
  }
  return out;
}

TtyProgress::TtyProgress(std::ostream& out) : out_(out) {
  ticker_ = std::thread([this] { run(); });
}

TtyProgress::~TtyProgress() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    redraw_locked();
  }
  wake_.notify_all();
  ticker_.join();
}

engine::EventSink TtyProgress::sink() {
  return [this](const engine::Event& event) { on_event(event); };
}

void TtyProgress::on_event(const engine::Event& event) {
  std::lock_guard lock(mutex_);
  auto row = std::find_if(rows_.begin(), rows_.end(),
                          [&](const auto& r) { return r.first == event.target; });
  if (row == rows_.end()) {
    rows_.push_back({event.target, {}});
    row = rows_.end() - 1;
  }
  TargetLine& line = row->second;
  if (event.state == engine::StepState::Started || line.step != event.step) {
    line.since = std::chrono::steady_clock::now() - event.elapsed;
  }
  line.step = event.step;
  line.state = event.state;
  if (!event.message.empty() || event.state == engine::StepState::Started) {
    line.message = event.message;
  }
  redraw_locked();
}

void TtyProgress::redraw_locked() {
  // Back to the first line of the previous frame, then every line cleared and rewritten.
  if (drawn_ > 0) {
    out_ << fmt::format("\033[{}F", drawn_);
  }
  const auto lines =
      render_tty_lines(rows_, std::chrono::steady_clock::now(), frame_, terminal_width() - 1);
  for (const std::string& line : lines) {
    out_ << "\033[2K" << line << "\n";
  }
  out_ << std::flush;
  drawn_ = lines.size();
}

void TtyProgress::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, kTick);
    if (!stopping_) {
      ++frame_;
      redraw_locked();
    }
  }
}

}  // namespace cli
