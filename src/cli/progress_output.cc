// Plain-line and NDJSON progress renderers (see progress_output.h).
#include "cli/progress_output.h"

#include <chrono>
#include <cstdlib>
#include <ostream>
#include <string>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cli {

engine::EventSink plain_progress(std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  return [&out, started](const engine::Event& e) {
    const double since_start =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string line = fmt::format("{:7.1f}s  {:<12} {:<17} {:<9}", since_start, e.target, e.step,
                                   engine::step_state_name(e.state));
    if (!e.message.empty()) {
      line += " " + e.message;
    }
    if (e.state == engine::StepState::Done || e.state == engine::StepState::Failed) {
      line += fmt::format(" ({:.1f}s)", static_cast<double>(e.elapsed.count()) / 1000.0);
    }
    out << line << "\n" << std::flush;
  };
}

engine::EventSink ndjson_progress(std::ostream& out) {
  return [&out](const engine::Event& e) {
    nlohmann::json j = {{"target", e.target},
                        {"step", e.step},
                        {"state", engine::step_state_name(e.state)},
                        {"message", e.message},
                        {"elapsed_ms", e.elapsed.count()}};
    out << j.dump() << "\n" << std::flush;
  };
}

engine::EventSink choose_progress(bool json, Context& ctx, std::unique_ptr<TtyProgress>& tty) {
  if (json) {
    return ndjson_progress(*ctx.out);
  }
  if (::isatty(STDERR_FILENO) != 0 && std::getenv("TERM") != nullptr &&
      std::string(std::getenv("TERM")) != "dumb") {
    tty = std::make_unique<TtyProgress>(*ctx.err);
    return tty->sink();
  }
  return plain_progress(*ctx.err);
}

}  // namespace cli
