// Runs one of talforge's blocking stream calls (events, cosi_watch) on a thread and collects what
// it delivers, so a test can act on the node while the stream is open and then inspect the items.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "talos/api.h"
#include "talos_emulator/cluster_support.h"

namespace talos_emu_test {

template <typename Item>
class StreamCollector {
 public:
  // `start` runs the stream with the sink to use; the sink keeps the stream open until `done`
  // returns true for an item (that item is collected too).
  using Sink = std::function<bool(const Item&)>;
  StreamCollector(std::function<util::Result<void>(const Sink&)> start,
                  std::function<bool(const Item&)> done)
      : done_(std::move(done)) {
    thread_ = std::thread([this, start = std::move(start)] {
      auto result = start([this](const Item& item) {
        std::lock_guard lock(mu_);
        items_.push_back(item);
        return !done_(item);
      });
      std::lock_guard lock(mu_);
      result_ = std::move(result);
    });
  }
  ~StreamCollector() { join(); }

  void join() {
    if (thread_.joinable())
      thread_.join();
  }
  bool finished() {
    std::lock_guard lock(mu_);
    return result_.has_value();
  }
  std::vector<Item> items() {
    std::lock_guard lock(mu_);
    return items_;
  }
  // Valid after join().
  const util::Result<void>& result() const { return *result_; }

 private:
  std::function<bool(const Item&)> done_;
  std::mutex mu_;
  std::vector<Item> items_;
  std::optional<util::Result<void>> result_;
  std::thread thread_;
};

}  // namespace talos_emu_test
