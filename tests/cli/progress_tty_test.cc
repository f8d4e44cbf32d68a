#include "cli/progress_tty.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cli {
namespace {

using ::testing::ElementsAre;

TEST(ProgressTty, OneLinePerTargetWithSpinnerStepElapsedAndMessage) {
  const auto t0 = std::chrono::steady_clock::time_point{} + std::chrono::seconds(100);
  std::vector<std::pair<std::string, TargetLine>> rows = {
      {"cp-1", {"talos.config", engine::StepState::Progress, "installing", t0}},
      {"worker-1", {"vm.create", engine::StepState::Done, "VM 1201 running", t0}},
      {"worker-2", {"talos.config", engine::StepState::Failed, "refused", t0}},
  };
  const auto lines = render_tty_lines(rows, t0 + std::chrono::milliseconds(4250), 1, 200);
  EXPECT_THAT(lines, ElementsAre("⠙ cp-1         talos.config        4.2s  installing",
                                 "✓ worker-1     vm.create                 VM 1201 running",
                                 "✗ worker-2     talos.config              refused"));
}

TEST(ProgressTty, LinesAreCutToTheTerminalWidthCountingCharactersNotBytes) {
  const auto t0 = std::chrono::steady_clock::time_point{};
  std::vector<std::pair<std::string, TargetLine>> rows = {
      {"cp-1", {"talos.config", engine::StepState::Progress, std::string(200, 'x'), t0}}};
  const auto lines = render_tty_lines(rows, t0, 0, 40);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].size(), 40u + 2u);  // the spinner glyph is 3 bytes, 1 column
}

}  // namespace
}  // namespace cli
