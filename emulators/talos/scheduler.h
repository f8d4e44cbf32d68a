// One timer thread for every node of the emulator: delayed steps of boot, install, reboot… run
// here in deadline order. Steps must not block for long (no waiting on RPC handlers).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace talos_emu {

class Scheduler {
 public:
  Scheduler();
  ~Scheduler();  // drops pending steps, joins the thread
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  void post_after(std::chrono::microseconds delay, std::function<void()> step);
  void post(std::function<void()> step) { post_after(std::chrono::microseconds(0), std::move(step)); }
  void stop();

 private:
  void run();

  std::mutex mu_;
  std::condition_variable cv_;
  // Deadline + sequence number keep steps with the same deadline in posting order.
  std::multimap<std::pair<std::chrono::steady_clock::time_point, uint64_t>, std::function<void()>>
      steps_;
  uint64_t sequence_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace talos_emu
