#include "core/engine_choices_cache.hpp"

#include <spdlog/spdlog.h>

namespace visionary::core {

engine_choices_cache::engine_choices_cache(image_provider& provider, clock_fn now)
    : provider_(provider), now_(std::move(now)) {}

// True when this caller is to ask the engine (the lists are due and nobody is asking).
bool engine_choices_cache::claim_ask() {
  std::lock_guard lock(mutex_);
  if (asking_ || (next_ask_ && now_() < *next_ask_)) return false;
  asking_ = true;
  return true;
}

// Keeps a good answer; after a failure the lists known before stay, and the next ask comes sooner.
engine_choices engine_choices_cache::finish_ask(const outcome<engine_choices>& answer) {
  std::lock_guard lock(mutex_);
  asking_ = false;
  if (answer) {
    known_ = *answer;
    next_ask_ = now_() + refresh_interval;
  } else {
    spdlog::warn("listing the engine's samplers and checkpoints failed: {}",
                 answer.error().message);
    next_ask_ = now_() + retry_after_failure;
  }
  return known_;
}

boost::asio::awaitable<engine_choices> engine_choices_cache::current() {
  if (!claim_ask()) {
    std::lock_guard lock(mutex_);
    co_return known_;
  }
  const auto answer = co_await provider_.list_engine_choices();
  co_return finish_ask(answer);
}

}  // namespace visionary::core
