// engine::wait_until (see wait.h).
#include "engine/wait.h"

#include <fmt/format.h>

namespace engine {

bool worth_waiting(const util::Error& error) {
  return error.code == util::ErrorCode::Unavailable || error.code == util::ErrorCode::Timeout;
}

util::Result<void> wait_until(const std::string& what, util::Clock& clock, const WaitPolicy& policy,
                              const std::function<util::Result<void>()>& attempt,
                              const std::function<void(const util::Error&)>& report) {
  return wait_until_gated(what, clock, policy, {}, attempt, report);
}

util::Result<void> wait_until_gated(const std::string& what, util::Clock& clock,
                                    const WaitPolicy& policy, const WaitGate& gate,
                                    const std::function<util::Result<void>()>& attempt,
                                    const std::function<void(const util::Error&)>& report) {
  const auto deadline = clock.now() + policy.timeout;
  auto next_report = clock.now() + policy.report_every;
  for (int tries = 1;;) {
    std::optional<util::Error> closed = gate ? gate() : std::nullopt;
    util::Result<void> result = closed ? util::Result<void>(std::move(*closed)) : attempt();
    if (result.ok()) {
      return result;
    }
    if (!worth_waiting(result.error())) {
      return result;
    }
    if (policy.abandon != nullptr && policy.abandon->load()) {
      return util::Error::conflict(
          fmt::format("stopped waiting for {}: another step of this run failed", what));
    }
    if (report && clock.now() >= next_report) {
      report(result.error());
      next_report = clock.now() + policy.report_every;
    }
    // Only attempts grow the backoff: a gate that opens is tried again at once.
    const std::chrono::milliseconds delay = closed ? policy.gate_poll : policy.poll.delay(tries++);
    if (clock.now() + delay >= deadline) {
      const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(policy.timeout).count();
      return util::Error::timeout(fmt::format("{} did not happen within {} s: {}", what, seconds,
                                              result.error().describe()));
    }
    clock.sleep_for(delay);
  }
}

}  // namespace engine
