// engine_choices_cache: the samplers and checkpoints a local engine offers, asked for at most once
// a minute (sooner after a failed ask) and kept between asks, so /api/config and admission wait on
// the engine only for the very first ask. Thread-safe: a mutex guards the lists and one ask runs at
// a time; a caller who finds an ask running gets the lists already known.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>

#include "core/ports/image_provider.hpp"

namespace visionary::core {

class engine_choices_cache {
 public:
  using clock = std::chrono::steady_clock;
  using clock_fn = std::function<clock::time_point()>;

  static constexpr std::chrono::seconds refresh_interval{60};
  static constexpr std::chrono::seconds retry_after_failure{10};

  explicit engine_choices_cache(image_provider& provider, clock_fn now = &clock::now);

  // The lists as last known, asking the engine first when they are due for a refresh.
  [[nodiscard]] boost::asio::awaitable<engine_choices> current();

 private:
  [[nodiscard]] bool claim_ask();
  engine_choices finish_ask(const outcome<engine_choices>& answer);

  image_provider& provider_;
  clock_fn now_;
  std::mutex mutex_;
  engine_choices known_;
  std::optional<clock::time_point> next_ask_;  // empty: never asked
  bool asking_ = false;
};

}  // namespace visionary::core
