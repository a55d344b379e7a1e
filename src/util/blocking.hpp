// run_blocking: runs a blocking function (file I/O, image codecs) on a thread pool and resumes the
// calling coroutine on its own executor afterwards. Thread-safe; the pool outlives every caller.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <type_traits>
#include <utility>

namespace visionary::util {

template <class Function>
boost::asio::awaitable<std::invoke_result_t<Function>> run_blocking(boost::asio::thread_pool& pool,
                                                                    Function function) {
  using result_type = std::invoke_result_t<Function>;
  co_return co_await boost::asio::co_spawn(
      pool.get_executor(),
      [function = std::move(function)]() mutable -> boost::asio::awaitable<result_type> {
        co_return function();
      },
      boost::asio::use_awaitable);
}

}  // namespace visionary::util
