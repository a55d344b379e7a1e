#include "util/async_lock.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio.hpp>
#include <mutex>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
using visionary::util::async_lock;

// Many coroutines on two threads take the lock and yield while holding it: never two inside.
TEST(AsyncLock, OneHolderAtATimeAcrossThreads) {
  asio::io_context io;
  async_lock lock;
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
  std::atomic<int> finished{0};
  constexpr int workers = 200;
  for (int i = 0; i < workers; ++i) {
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          auto held = co_await lock.acquire();
          const int now_inside = ++inside;
          most_inside = std::max(most_inside.load(), now_inside);
          co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
          --inside;
          ++finished;
        },
        asio::detached);
  }
  std::thread second([&] { io.run(); });
  io.run();
  second.join();
  EXPECT_EQ(finished, workers);
  EXPECT_EQ(most_inside, 1);
}

// Waiters get the lock in the order they asked for it.
TEST(AsyncLock, WaitersAreServedInArrivalOrder) {
  asio::io_context io;
  async_lock lock;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) {
    asio::co_spawn(
        io,
        [&, i]() -> asio::awaitable<void> {
          auto held = co_await lock.acquire();
          order.push_back(i);
          co_await asio::post(co_await asio::this_coro::executor, asio::use_awaitable);
        },
        asio::detached);
  }
  io.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

}  // namespace
