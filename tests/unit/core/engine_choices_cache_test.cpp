// The cache of an engine's samplers and checkpoints: asked once, refreshed when stale, kept when an
// ask fails, and one ask at a time however many callers arrive.
#include "core/engine_choices_cache.hpp"

#include <gtest/gtest.h>

#include <boost/asio.hpp>

namespace {

namespace asio = boost::asio;
using visionary::error_kind;
using visionary::make_error;
using visionary::outcome;
using visionary::core::engine_choices;
using visionary::core::engine_choices_cache;

// A provider whose listing answers what the test sets, counting the asks; with `hold` set an ask
// waits on the timer until the test releases it.
class listing_provider final : public visionary::core::image_provider {
 public:
  explicit listing_provider(asio::io_context& io) : release(io) {}
  asio::awaitable<outcome<engine_choices>> list_engine_choices() override {
    ++asks;
    if (hold) {
      release.expires_at(asio::steady_timer::time_point::max());
      (void)co_await release.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    if (fail) co_return make_error(error_kind::provider_unavailable, "engine down");
    co_return answer;
  }
  asio::awaitable<outcome<visionary::core::generation_result>> generate(
      const visionary::core::generation_request&, visionary::core::generation_watch&) override {
    co_return make_error(error_kind::provider_error, "not used");
  }
  std::string_view name() const override { return "automatic1111"; }
  visionary::core::provider_kind kind() const override {
    return visionary::core::provider_kind::automatic1111;
  }
  std::string_view model() const override { return "stable-diffusion"; }
  bool offline() const override { return false; }

  engine_choices answer{{"Euler a", "DPM++ 2M"}, {"sd15 [abc]"}};
  int asks = 0;
  bool fail = false;
  bool hold = false;
  asio::steady_timer release;
};

struct fixture : ::testing::Test {
  asio::io_context io;
  listing_provider provider{io};
  engine_choices_cache::clock::time_point now{};
  engine_choices_cache cache{provider, [this] { return now; }};

  engine_choices current() {
    engine_choices got;
    asio::co_spawn(io, cache.current(), [&](std::exception_ptr e, engine_choices c) {
      if (e) std::rethrow_exception(e);
      got = std::move(c);
    });
    io.run();
    io.restart();
    return got;
  }
};

TEST_F(fixture, AsksOnceAndKeepsTheListsUntilTheyAreStale) {
  EXPECT_EQ(current(), provider.answer);
  provider.answer.samplers = {"DDIM"};
  now += engine_choices_cache::refresh_interval - std::chrono::seconds(1);
  EXPECT_EQ(current().samplers, std::vector<std::string>({"Euler a", "DPM++ 2M"}));
  EXPECT_EQ(provider.asks, 1);
  now += std::chrono::seconds(1);
  EXPECT_EQ(current().samplers, std::vector<std::string>{"DDIM"});
  EXPECT_EQ(provider.asks, 2);
}

TEST_F(fixture, AFailedAskKeepsWhatWasKnownAndRetriesSooner) {
  EXPECT_EQ(current(), provider.answer);
  const auto known = provider.answer;
  provider.fail = true;
  now += engine_choices_cache::refresh_interval;
  EXPECT_EQ(current(), known);
  EXPECT_EQ(provider.asks, 2);
  now += engine_choices_cache::retry_after_failure - std::chrono::seconds(1);
  EXPECT_EQ(current(), known);
  EXPECT_EQ(provider.asks, 2);
  provider.fail = false;
  provider.answer.checkpoints = {"sdxl [def]"};
  now += std::chrono::seconds(1);
  EXPECT_EQ(current().checkpoints, std::vector<std::string>{"sdxl [def]"});
  EXPECT_EQ(provider.asks, 3);
}

TEST_F(fixture, CallersArrivingDuringAnAskDoNotAskAgain) {
  provider.hold = true;
  int answered = 0;
  std::vector<engine_choices> got;
  for (int i = 0; i < 100; ++i) {
    asio::co_spawn(io, cache.current(), [&](std::exception_ptr e, engine_choices c) {
      if (e) std::rethrow_exception(e);
      ++answered;
      got.push_back(std::move(c));
    });
  }
  io.poll();
  // Everyone but the asker has answered with the (still empty) known lists.
  EXPECT_EQ(provider.asks, 1);
  EXPECT_EQ(answered, 99);
  EXPECT_EQ(got.front(), engine_choices{});
  provider.release.cancel();
  io.run();
  EXPECT_EQ(answered, 100);
  EXPECT_EQ(got.back(), provider.answer);
}

}  // namespace
