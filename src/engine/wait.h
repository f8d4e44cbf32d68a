// Polling a condition until it holds or a deadline passes, for the steps where the outside system
// offers nothing to watch (a VM booting into maintenance mode, a node rebooting into mTLS).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "util/backoff.h"
#include "util/clock.h"
#include "util/result.h"

namespace engine {

struct WaitPolicy {
  std::chrono::milliseconds timeout{std::chrono::minutes(20)};
  // Short: each wait overshoots by up to one interval, and waits add up along the bring-up.
  util::Backoff poll{std::chrono::milliseconds(50), std::chrono::milliseconds(200)};
  // How often a closed gate (see wait_until_gated) is asked again: its check is cheap, and the
  // moment it opens is usually the moment the wait is about.
  std::chrono::milliseconds gate_poll{std::chrono::milliseconds(20)};
  // How often a long wait reports its last error (the user sees why it waits, not only at the
  // timeout).
  std::chrono::milliseconds report_every{std::chrono::seconds(10)};
  // Set by another thread when the work this wait belongs to has failed elsewhere: the wait ends
  // (Conflict) instead of running to its timeout for a result nobody can use.
  const std::atomic<bool>* abandon = nullptr;
};

// Calls `attempt` until it succeeds; a NotRetryable error (InvalidInput, PermissionDenied,
// Conflict, Internal…) ends the wait at once, and so does policy.abandon. On timeout: Timeout "<what> did not happen within
// <t>: <last error>". `report` gets the last error once every policy.report_every of waiting.
util::Result<void> wait_until(const std::string& what, util::Clock& clock, const WaitPolicy& policy,
                              const std::function<util::Result<void>()>& attempt,
                              const std::function<void(const util::Error&)>& report = {});

// A cheap check made before each attempt: the error while the attempt is not worth making yet
// (e.g. nothing accepts TCP at the node's API port), nullopt once it is.
using WaitGate = std::function<std::optional<util::Error>()>;

// wait_until, but `attempt` is only made while `gate` is open; while it is closed the gate is
// asked every policy.gate_poll and its error counts as the last one (reports, timeout message).
util::Result<void> wait_until_gated(const std::string& what, util::Clock& clock,
                                    const WaitPolicy& policy, const WaitGate& gate,
                                    const std::function<util::Result<void>()>& attempt,
                                    const std::function<void(const util::Error&)>& report = {});

// Unavailable, Timeout and FailedPrecondition-like "not yet" states are worth waiting out.
bool worth_waiting(const util::Error& error);

}  // namespace engine
