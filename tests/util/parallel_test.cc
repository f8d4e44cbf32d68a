#include "util/parallel.h"

#include <atomic>
#include <vector>

#include <gtest/gtest.h>

namespace util {
namespace {

TEST(ParallelFor, RunsEveryIndexExactlyOnce) {
  std::vector<std::atomic<int>> hits(100);
  parallel_for(hits.size(), 7, [&](std::size_t i) { ++hits[i]; });
  for (const auto& h : hits) {
    EXPECT_EQ(h.load(), 1);
  }
}

TEST(ParallelFor, NeverExceedsTheThreadLimit) {
  std::atomic<int> running{0};
  std::atomic<int> peak{0};
  parallel_for(40, 3, [&](std::size_t) {
    const int now = ++running;
    int seen = peak.load();
    while (now > seen && !peak.compare_exchange_weak(seen, now)) {
    }
    for (volatile int spin = 0; spin < 20000; ++spin) {
    }
    --running;
  });
  EXPECT_GE(peak.load(), 1);
  EXPECT_LE(peak.load(), 3);
}

TEST(ParallelFor, ZeroJobsAndZeroThreadsAreFine) {
  int calls = 0;
  parallel_for(0, 4, [&](std::size_t) { ++calls; });
  parallel_for(3, 0, [&](std::size_t) { ++calls; });
  EXPECT_EQ(calls, 3);
}

}  // namespace
}  // namespace util
