#include "util/run_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace util {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

TEST(RunShellCommand, ReportsExitCodeOutputAndTheExtraEnvironment) {
  const Result<CommandRun> run =
      run_shell_command("echo node=$TALFORGE_NODE; pwd; echo oops >&2; exit 3", "/tmp",
                        {{"TALFORGE_NODE", "cp-1"}}, 10s);
  ASSERT_TRUE(run.ok()) << run.error().describe();
  EXPECT_EQ(run->exit_code, 3);
  EXPECT_FALSE(run->timed_out);
  EXPECT_THAT(run->output, HasSubstr("node=cp-1\n/tmp\noops\n"));
  EXPECT_EQ(run_shell_command("true", "/tmp", {}, 10s)->exit_code, 0);
}

TEST(RunShellCommand, ACommandPastItsLimitIsKilledWithWhatItStarted) {
  const auto started = std::chrono::steady_clock::now();
  const Result<CommandRun> run =
      run_shell_command("echo begun; sleep 30 & sleep 30", "/tmp", {}, 300ms);
  ASSERT_TRUE(run.ok());
  EXPECT_TRUE(run->timed_out);
  EXPECT_NE(run->exit_code, 0);
  EXPECT_THAT(run->output, HasSubstr("begun"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s) << "the background sleep is gone too";
}

TEST(RunShellCommand, ABackgroundJobHoldingTheOutputDoesNotDelayTheResult) {
  const auto started = std::chrono::steady_clock::now();
  const Result<CommandRun> run = run_shell_command("sleep 30 & echo done", "/tmp", {}, 20s);
  ASSERT_TRUE(run.ok());
  EXPECT_FALSE(run->timed_out);
  EXPECT_EQ(run->exit_code, 0);
  EXPECT_THAT(run->output, HasSubstr("done"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(RunShellCommand, OnlyTheLastFourKibibytesOfOutputAreKept) {
  const Result<CommandRun> run =
      run_shell_command("yes x | head -c 100000; echo END", "/tmp", {}, 10s);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->output.size(), 4096u);
  EXPECT_THAT(run->output, HasSubstr("x\nEND\n"));
}

}  // namespace
}  // namespace util
