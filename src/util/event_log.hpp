// event_log: a short numbered history of events that subscribers follow at their own pace (the
// Server-Sent Events of jobs and of the gallery). Publishing never waits for a subscriber: a
// subscriber that falls further behind than the history finds out (read_after().complete is
// false) and catches up from a snapshot instead. Thread-safe; wait() must run on a strand (or a
// single-threaded executor), as every coroutine of an HTTP connection does.
#pragma once

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace visionary::util {

template <class Payload>
class event_log {
 public:
  struct event {
    std::uint64_t id = 0;  // 1, 2, 3, ... in publishing order
    std::string name;
    Payload payload;
  };
  struct read_result {
    std::vector<event> events;  // after the asked id, oldest first
    bool complete = true;       // false: events after the asked id fell out of the history
  };

  explicit event_log(std::size_t capacity) : capacity_(std::max<std::size_t>(1, capacity)) {}

  // Appends an event and wakes every waiter; returns its id.
  std::uint64_t publish(std::string name, Payload payload) {
    std::vector<std::shared_ptr<boost::asio::steady_timer>> to_wake;
    std::uint64_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = ++last_id_;
      history_.push_back(event{id, std::move(name), std::move(payload)});
      if (history_.size() > capacity_) history_.pop_front();
      to_wake.assign(waiters_.begin(), waiters_.end());
    }
    wake(to_wake);
    return id;
  }

  [[nodiscard]] read_result read_after(std::uint64_t after) const {
    std::lock_guard lock(mutex_);
    read_result out;
    if (after > last_id_) after = 0;  // an id from before a restart: everything held is new
    const std::uint64_t oldest_held = last_id_ - history_.size() + 1;
    out.complete = after + 1 >= oldest_held || after == last_id_;
    for (const auto& e : history_)
      if (e.id > after) out.events.push_back(e);
    return out;
  }

  [[nodiscard]] std::uint64_t last_id() const {
    std::lock_guard lock(mutex_);
    return last_id_;
  }

  // Returns once an event after `after` exists, `timeout` has passed, or the log was closed.
  boost::asio::awaitable<void> wait(std::uint64_t after,
                                    std::chrono::steady_clock::duration timeout) {
    auto timer = std::make_shared<boost::asio::steady_timer>(
        co_await boost::asio::this_coro::executor, timeout);
    typename std::list<std::shared_ptr<boost::asio::steady_timer>>::iterator place;
    {
      std::lock_guard lock(mutex_);
      if (closed_ || last_id_ > after) co_return;
      place = waiters_.insert(waiters_.end(), timer);
    }
    // A wake posted after the check above runs on this strand after the wait has begun.
    (void)co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    std::lock_guard lock(mutex_);
    waiters_.erase(place);
  }

  // Wakes every waiter for good: later waits return at once.
  void close() {
    std::vector<std::shared_ptr<boost::asio::steady_timer>> to_wake;
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
      to_wake.assign(waiters_.begin(), waiters_.end());
    }
    wake(to_wake);
  }

  [[nodiscard]] bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }
  // How many are waiting right now (subscribers between events).
  [[nodiscard]] std::size_t waiting() const {
    std::lock_guard lock(mutex_);
    return waiters_.size();
  }

 private:
  static void wake(const std::vector<std::shared_ptr<boost::asio::steady_timer>>& timers) {
    for (const auto& timer : timers)
      boost::asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }

  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::uint64_t last_id_ = 0;                                      // guarded by mutex_
  std::deque<event> history_;                                      // same
  std::list<std::shared_ptr<boost::asio::steady_timer>> waiters_;  // same
  bool closed_ = false;                                            // same
};

}  // namespace visionary::util
