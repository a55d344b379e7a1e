// async_lock: mutual exclusion for coroutines on any executors. acquire() suspends (it never
// blocks a thread) until the lock is free; waiters get it in arrival order, each resumed on its
// own executor. Thread-safe.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <deque>
#include <mutex>
#include <utility>

namespace visionary::util {

class async_lock {
 public:
  // Holds the lock until it is destroyed.
  class [[nodiscard]] guard {
   public:
    explicit guard(async_lock* owner) : owner_(owner) {}
    guard(guard&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)) {}
    guard& operator=(guard&&) = delete;
    ~guard() {
      if (owner_ != nullptr) owner_->release();
    }

   private:
    async_lock* owner_;
  };

  async_lock() = default;
  async_lock(const async_lock&) = delete;
  async_lock& operator=(const async_lock&) = delete;

  boost::asio::awaitable<guard> acquire();

 private:
  struct waiter {
    boost::asio::any_io_executor executor;  // the waiting coroutine's, where it resumes
    boost::asio::any_completion_handler<void()> resume;
  };
  void enqueue(waiter next);
  static void wake(waiter next);
  void release();

  std::mutex mutex_;
  bool held_ = false;           // guarded by mutex_
  std::deque<waiter> waiters_;  // same; oldest first
};

}  // namespace visionary::util
