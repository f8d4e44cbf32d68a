#include "secrets/secret.h"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace secrets {
namespace {

TEST(Secret, FormatsAsRedactedWithFmt) {
  const Secret s("hunter2-token");
  EXPECT_EQ(fmt::format("{}", s), "<redacted>");
  EXPECT_EQ(fmt::format("token={:>12}", s), "token=  <redacted>");
}

TEST(Secret, StreamsAsRedacted) {
  std::ostringstream os;
  os << Secret("hunter2-token");
  EXPECT_EQ(os.str(), "<redacted>");
}

TEST(Secret, LogsAsRedactedThroughSpdlog) {
  std::ostringstream os;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(os);
  spdlog::logger logger("secret-test", sink);
  logger.set_pattern("%v");
  logger.info("bundle.load token={}", Secret("hunter2-token"));
  EXPECT_EQ(os.str(), "bundle.load token=<redacted>\n");
}

TEST(Secret, RevealsTheValueOnlyWhenAsked) {
  const Secret s("hunter2-token");
  EXPECT_EQ(s.reveal(), "hunter2-token");
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(Secret().empty());
}

TEST(Secret, CopiesAndMovesKeepTheValue) {
  Secret a("value-a");
  Secret b = a;
  EXPECT_EQ(b.reveal(), "value-a");
  Secret c = std::move(a);
  EXPECT_EQ(c.reveal(), "value-a");
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from is wiped and empty
  b = Secret("value-b");
  EXPECT_EQ(b.reveal(), "value-b");
  EXPECT_EQ(b, Secret("value-b"));
}

}  // namespace
}  // namespace secrets
