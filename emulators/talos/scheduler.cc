#include "emulators/talos/scheduler.h"

namespace talos_emu {

Scheduler::Scheduler() : thread_([this] { run(); }) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    steps_.clear();
  }
  cv_.notify_all();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Scheduler::post_after(std::chrono::microseconds delay, std::function<void()> step) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    steps_.emplace(std::make_pair(std::chrono::steady_clock::now() + delay, sequence_++),
                   std::move(step));
  }
  cv_.notify_all();
}

void Scheduler::run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (steps_.empty()) {
      cv_.wait(lock);
      continue;
    }
    auto first = steps_.begin();
    if (first->first.first > std::chrono::steady_clock::now()) {
      cv_.wait_until(lock, first->first.first);
      continue;
    }
    std::function<void()> step = std::move(first->second);
    steps_.erase(first);
    lock.unlock();
    step();
    lock.lock();
  }
}

}  // namespace talos_emu
