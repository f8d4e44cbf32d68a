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

}  // namespace
}  // namespace engine
