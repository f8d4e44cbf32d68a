// The upgrade section: workers taken out at once and the user's gate command.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"

namespace spec {
namespace {

using spec_test::briefs;
using spec_test::load;
using spec_test::with_line;
using ::testing::ElementsAre;

TEST(SpecUpgrade, DefaultsAreOneWorkerAtATimeAndNoGate) {
  const Loaded loaded = load(spec_test::kBase);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded.spec->upgrade.workers_max_unavailable, 1);
  EXPECT_EQ(loaded.spec->upgrade.gate.command, "");
  EXPECT_EQ(loaded.spec->upgrade.gate.timeout, std::chrono::minutes(10));
}

TEST(SpecUpgrade, ReadsWorkersAndTheGate) {
  const Loaded loaded = load(with_line(
      15, "upgrade:\n  workersMaxUnavailable: 2\n  gate: {command: ./check.sh, timeout: 5m, "
          "interval: 15s}\nvm:"));
  ASSERT_TRUE(loaded.ok()) << ::testing::PrintToString(briefs(loaded));
  EXPECT_EQ(loaded.spec->upgrade.workers_max_unavailable, 2);
  EXPECT_EQ(loaded.spec->upgrade.gate.command, "./check.sh");
  EXPECT_EQ(loaded.spec->upgrade.gate.timeout, std::chrono::minutes(5));
  EXPECT_EQ(loaded.spec->upgrade.gate.interval, std::chrono::seconds(15));
}

TEST(SpecUpgrade, BadValuesAreReportedWhereTheyAre) {
  const Loaded loaded = load(with_line(
      15, "upgrade:\n  workersMaxUnavailable: 0\n  gate: {command: ./check.sh, timeout: soon}\nvm:"));
  EXPECT_FALSE(loaded.ok());
  EXPECT_THAT(briefs(loaded),
              ElementsAre("16:26 error upgrade.workersMaxUnavailable: workersMaxUnavailable must "
                          "be at least 1",
                          "17:40 error upgrade.gate.timeout: \"soon\" is not a duration (write it like 90s, "
                          "10m or 1h)"));
}

TEST(SpecUpgrade, AGateNeedsItsCommand) {
  const Loaded loaded = load(with_line(15, "upgrade:\n  gate: {timeout: 5m}\nvm:"));
  EXPECT_FALSE(loaded.ok());
  ASSERT_EQ(briefs(loaded).size(), 1u);
  EXPECT_THAT(briefs(loaded)[0], ::testing::HasSubstr("missing required key \"command\""));
}

}  // namespace
}  // namespace spec
