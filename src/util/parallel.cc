// util::parallel_for (see parallel.h): workers take the next index from a shared counter.
#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace util {

void parallel_for(std::size_t count, std::size_t max_threads,
                  const std::function<void(std::size_t)>& job) {
  const std::size_t threads = std::min(count, std::max<std::size_t>(max_threads, 1));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) {
      job(i);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (std::size_t t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) {
        job(i);
      }
    });
  }
  for (std::thread& worker : workers) {
    worker.join();
  }
}

}  // namespace util
