#include "util/async_lock.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace visionary::util {

boost::asio::awaitable<async_lock::guard> async_lock::acquire() {
  const auto executor = co_await boost::asio::this_coro::executor;
  // The initiation captures only pointers: g++ 12 may destroy a temporary with a non-trivial
  // destructor in a co_await expression twice (here, the strand executor).
  const auto* resume_on = &executor;
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void()>(
      [this, resume_on](boost::asio::any_completion_handler<void()> handler) {
        enqueue(waiter{*resume_on, std::move(handler)});
      },
      boost::asio::use_awaitable);
  co_return guard(this);
}

// Resumes a waiter on its own executor, never inside the caller's stack.
void async_lock::wake(waiter next) {
  auto executor = next.executor;
  boost::asio::post(executor, [resume = std::move(next.resume)]() mutable { std::move(resume)(); });
}

void async_lock::enqueue(waiter next) {
  std::unique_lock lock(mutex_);
  if (held_) {
    waiters_.push_back(std::move(next));
    return;
  }
  held_ = true;
  lock.unlock();
  wake(std::move(next));
}

// Hands the lock straight to the longest-waiting coroutine, or frees it.
void async_lock::release() {
  std::unique_lock lock(mutex_);
  if (waiters_.empty()) {
    held_ = false;
    return;
  }
  auto next = std::move(waiters_.front());
  waiters_.pop_front();
  lock.unlock();
  wake(std::move(next));
}

}  // namespace visionary::util
