#include "engine/wait.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

namespace engine {
namespace {

TEST(WaitUntil, RetriesUnavailableUntilItSucceeds) {
  util::ManualClock clock;
  int attempts = 0;
  util::Result<void> r = wait_until("thing", clock, {}, [&]() -> util::Result<void> {
    return ++attempts < 4 ? util::Result<void>(util::Error::unavailable("not yet"))
                          : util::Result<void>();
  });
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(attempts, 4);
}

TEST(WaitUntil, StopsAtOnceOnAnErrorNotWorthWaitingFor) {
  util::ManualClock clock;
  int attempts = 0;
  util::Result<void> r = wait_until("thing", clock, {}, [&]() -> util::Result<void> {
    ++attempts;
    return util::Error::conflict("no");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Conflict);
  EXPECT_EQ(attempts, 1);
}

TEST(WaitUntil, EndsOnceTheWorkItBelongsToIsAbandoned) {
  util::ManualClock clock;
  std::atomic<bool> abandon{false};
  WaitPolicy policy;
  policy.abandon = &abandon;
  int attempts = 0;
  util::Result<void> r = wait_until("cp-2 answering", clock, policy, [&]() -> util::Result<void> {
    if (++attempts == 3) {
      abandon = true;  // another pipeline failed meanwhile
    }
    return util::Error::unavailable("not yet");
  });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Conflict);
  EXPECT_NE(r.error().message.find("cp-2 answering"), std::string::npos) << r.error().message;
  EXPECT_EQ(attempts, 3);
}

TEST(WaitUntil, TimesOutNamingWhatAndTheLastErrorAndReportsWhileWaiting) {
  util::ManualClock clock;
  WaitPolicy policy;
  policy.timeout = std::chrono::seconds(60);
  std::vector<std::string> reports;
  util::Result<void> r = wait_until(
      "cp-1 answering", clock, policy,
      []() -> util::Result<void> { return util::Error::unavailable("connection refused"); },
      [&](const util::Error& e) { reports.push_back(e.message); });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Timeout);
  EXPECT_NE(r.error().message.find("cp-1 answering did not happen within 60 s"), std::string::npos)
      << r.error().message;
  EXPECT_NE(r.error().message.find("connection refused"), std::string::npos);
  // One report per 10 s of waiting, not one per attempt.
  EXPECT_GE(reports.size(), 4u);
  EXPECT_LE(reports.size(), 6u);
}

TEST(WaitUntilGated, AsksTheGateOftenAndMakesNoAttemptWhileItIsClosed) {
  util::ManualClock clock;
  WaitPolicy policy;  // attempts back off 50 ms → 200 ms; the gate is asked every 20 ms
  int gate_checks = 0;
  int attempts = 0;
  std::chrono::milliseconds opened_at{0};
  util::Result<void> r = wait_until_gated(
      "cp-1 answering", clock, policy,
      [&]() -> std::optional<util::Error> {
        ++gate_checks;
        if (clock.slept() < std::chrono::milliseconds(1000)) {
          return util::Error::unavailable("port closed");
        }
        if (opened_at.count() == 0) {
          opened_at = clock.slept();
        }
        return std::nullopt;
      },
      [&]() -> util::Result<void> {
        ++attempts;
        return util::Result<void>();
      });
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(attempts, 1);
  EXPECT_EQ(gate_checks, 51);  // 0, 20, …, 1000 ms
  // The attempt follows the gate's opening at once, not after a grown backoff.
  EXPECT_EQ(clock.slept(), opened_at);
  EXPECT_EQ(clock.slept(), std::chrono::milliseconds(1000));
}

TEST(WaitUntilGated, AClosedGateIsTheErrorATimeoutNames) {
  util::ManualClock clock;
  WaitPolicy policy;
  policy.timeout = std::chrono::seconds(2);
  int attempts = 0;
  util::Result<void> r = wait_until_gated(
      "cp-1 answering", clock, policy,
      []() -> std::optional<util::Error> { return util::Error::unavailable("port 50000 closed"); },
      [&]() -> util::Result<void> {
        ++attempts;
        return util::Result<void>();
      });
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::Timeout);
  EXPECT_NE(r.error().message.find("port 50000 closed"), std::string::npos) << r.error().message;
  EXPECT_EQ(attempts, 0);
}

}  // namespace
}  // namespace engine
