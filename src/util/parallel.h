// Runs independent jobs on a bounded number of threads (e.g. probing every node of a cluster).
#pragma once

#include <cstddef>
#include <functional>

namespace util {

// Calls job(i) for every i in [0, count), at most `max_threads` at a time, and returns when all
// have finished. Jobs must not throw.
void parallel_for(std::size_t count, std::size_t max_threads,
                  const std::function<void(std::size_t)>& job);

}  // namespace util
