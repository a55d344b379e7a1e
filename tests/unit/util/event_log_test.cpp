#include "util/event_log.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using log_type = visionary::util::event_log<std::string>;

TEST(EventLog, NumbersEventsAndReadsThoseAfterAnId) {
  log_type log(8);
  EXPECT_EQ(log.publish("a", "1"), 1u);
  EXPECT_EQ(log.publish("b", "2"), 2u);
  EXPECT_EQ(log.publish("c", "3"), 3u);
  const auto read = log.read_after(1);
  EXPECT_TRUE(read.complete);
  ASSERT_EQ(read.events.size(), 2u);
  EXPECT_EQ(read.events[0].name, "b");
  EXPECT_EQ(read.events[1].payload, "3");
  EXPECT_TRUE(log.read_after(3).events.empty());
  EXPECT_TRUE(log.read_after(3).complete);
}

// A reader further behind than the history is told so: it catches up from a snapshot instead.
TEST(EventLog, AReaderBehindTheHistoryIsToldItMissedEvents) {
  log_type log(2);
  for (int i = 1; i <= 5; ++i) log.publish("e", std::to_string(i));
  const auto behind = log.read_after(1);
  EXPECT_FALSE(behind.complete);
  ASSERT_EQ(behind.events.size(), 2u);
  EXPECT_EQ(behind.events[0].id, 4u);
  EXPECT_TRUE(log.read_after(3).complete);  // 4 and 5 are both held
  // An id from another process (larger than any here) reads as "everything held is new".
  EXPECT_EQ(log.read_after(99).events.size(), 2u);
}

// A waiter on a strand wakes when an event is published from another thread, long before its
// timeout; a second wait after that event returns at the timeout.
TEST(EventLog, WaitWakesOnPublishFromAnotherThreadAndTimesOutOtherwise) {
  asio::io_context io;
  log_type log(4);
  std::atomic<bool> waiting{false};
  std::chrono::steady_clock::duration woke_after{};
  std::chrono::steady_clock::duration timed_out_after{};
  asio::co_spawn(
      asio::make_strand(io),
      [&]() -> asio::awaitable<void> {
        const auto start = std::chrono::steady_clock::now();
        waiting = true;
        co_await log.wait(0, std::chrono::seconds(30));
        woke_after = std::chrono::steady_clock::now() - start;
        const auto again = std::chrono::steady_clock::now();
        co_await log.wait(log.last_id(), std::chrono::milliseconds(50));
        timed_out_after = std::chrono::steady_clock::now() - again;
      },
      asio::detached);
  std::thread runner([&] { io.run(); });
  while (!waiting || log.waiting() == 0) std::this_thread::yield();
  log.publish("wake", "now");
  runner.join();
  EXPECT_LT(woke_after, std::chrono::seconds(5));
  EXPECT_GE(timed_out_after, std::chrono::milliseconds(50));
  EXPECT_EQ(log.waiting(), 0u);
}

// Closing wakes every waiter and makes later waits return at once.
TEST(EventLog, CloseWakesEveryWaiter) {
  asio::io_context io;
  log_type log(4);
  std::atomic<int> woken{0};
  for (int i = 0; i < 3; ++i) {
    asio::co_spawn(
        asio::make_strand(io),
        [&]() -> asio::awaitable<void> {
          co_await log.wait(0, std::chrono::hours(1));
          ++woken;
        },
        asio::detached);
  }
  std::thread runner([&] { io.run(); });
  while (log.waiting() < 3) std::this_thread::yield();
  log.close();
  runner.join();
  EXPECT_EQ(woken, 3);
  EXPECT_TRUE(log.closed());
}

}  // namespace
