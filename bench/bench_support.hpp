// Helpers shared by the benchmark programs: running a coroutine to completion and a provider that
// returns a fixed image (so a benchmark measures everything but the model). Single-threaded use.
#pragma once

#include <boost/asio.hpp>
#include <future>

#include "core/ports/image_provider.hpp"

namespace visionary::bench {

template <class T>
T run_sync(boost::asio::io_context& io, boost::asio::awaitable<T> work) {
  auto future = boost::asio::co_spawn(io, std::move(work), boost::asio::use_future);
  io.restart();
  io.run();
  return future.get();
}

class fixed_image_provider final : public core::image_provider {
 public:
  explicit fixed_image_provider(std::string png) : png_(std::move(png)) {}
  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request&, core::generation_watch&) override {
    co_return core::generation_result{{{png_, std::nullopt, std::nullopt}}, std::nullopt};
  }
  std::string_view name() const override { return "fixed"; }
  std::string_view model() const override { return "fixed"; }
  core::provider_kind kind() const override { return core::provider_kind::demo; }
  bool offline() const override { return true; }

 private:
  std::string png_;
};

}  // namespace visionary::bench
