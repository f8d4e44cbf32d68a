#include "util/backoff.h"

#include <gtest/gtest.h>

namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesByDefaultUpToTheCap) {
  const util::Backoff backoff{milliseconds(250), milliseconds(1000)};
  EXPECT_EQ(backoff.delay(1), milliseconds(250));
  EXPECT_EQ(backoff.delay(2), milliseconds(500));
  EXPECT_EQ(backoff.delay(3), milliseconds(1000));
  EXPECT_EQ(backoff.delay(30), milliseconds(1000));
}

TEST(Backoff, GrowsByTheGivenFactor) {
  const util::Backoff backoff{milliseconds(50), milliseconds(1000), 1.5};
  EXPECT_EQ(backoff.delay(1), milliseconds(50));
  EXPECT_EQ(backoff.delay(2), milliseconds(75));
  EXPECT_EQ(backoff.delay(3), milliseconds(112));
  EXPECT_EQ(backoff.delay(100), milliseconds(1000));
}

}  // namespace
