#include "cli/duration.h"
#include "util/duration.h"

#include <gtest/gtest.h>

namespace {

TEST(Duration, ReadsSecondsMinutesAndHours) {
  EXPECT_EQ(util::parse_duration("90s"), std::chrono::seconds(90));
  EXPECT_EQ(util::parse_duration("20m"), std::chrono::minutes(20));
  EXPECT_EQ(util::parse_duration("1h"), std::chrono::hours(1));
}

TEST(Duration, RefusesWhatIsNotAPositiveWholeAmountWithAUnit) {
  for (const char* text : {"", "s", "90", "0s", "-5m", "1.5h", "5d", "m5", "5 m"}) {
    EXPECT_EQ(util::parse_duration(text), std::nullopt) << text;
  }
}

}  // namespace
