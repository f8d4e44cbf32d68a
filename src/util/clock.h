// Time as a dependency: code that waits or measures takes a Clock&, so tests run without real
// sleeps and benchmarks can read the elapsed time that was asked for.
#pragma once

#include <chrono>

namespace util {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

// The real steady clock.
Clock& system_clock();

// A clock that only moves when someone sleeps on it (tests).
class ManualClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return now_; }
  void sleep_for(std::chrono::milliseconds duration) override {
    now_ += duration;
    slept_ += duration;
  }
  std::chrono::milliseconds slept() const { return slept_; }

 private:
  std::chrono::steady_clock::time_point now_{};
  std::chrono::milliseconds slept_{0};
};

}  // namespace util
