#include "core/suggestion_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include "core/suggestion_text.hpp"
#include "core/suggestions.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::core {

namespace {

constexpr std::chrono::minutes rate_window{1};
// How much of an unusable answer the log shows.
constexpr std::size_t logged_answer_bytes = 200;

}  // namespace

std::string_view suggestion_source_name(suggestion_source source) {
  return source == suggestion_source::model ? "model" : "offline";
}

suggestion_metrics::suggestion_metrics(util::metrics_registry& registry)
    : served(registry.counter("visionary_suggestions_total",
                              "Prompt suggestions served, by where they came from", {"source"})),
      model_calls(registry.counter("visionary_suggestion_model_calls_total",
                                   "Calls to the suggestion model by outcome (refused: the "
                                   "answer was no usable prompt)",
                                   {"outcome"})),
      refills_skipped(registry.counter("visionary_suggestion_refills_skipped_total",
                                       "Refills of the suggestion cache held back by the rate "
                                       "cap or the back-off after a failure",
                                       {"reason"})) {}

suggestion_service::suggestion_service(boost::asio::any_io_executor executor,
                                       prompt_suggester* suggester, suggestion_settings settings,
                                       suggestion_metrics* metrics, clock_function now)
    : executor_(boost::asio::make_strand(executor)),
      suggester_(suggester),
      settings_(settings),
      metrics_(metrics),
      now_(std::move(now)) {}

void suggestion_service::start() {
  refill_decision decision = refill_decision::off;
  {
    std::lock_guard lock(mutex_);
    decision = claim_refill(now_());
  }
  start_refill(decision);
}

void suggestion_service::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
  }
  abort_.abort();
}

suggestion suggestion_service::next() {
  std::optional<std::string> ready;
  refill_decision decision = refill_decision::off;
  {
    std::lock_guard lock(mutex_);
    if (!cache_.empty()) {
      ready = std::move(cache_.front());
      cache_.pop_front();
    }
    decision = claim_refill(now_());
  }
  start_refill(decision);
  suggestion out;
  if (ready) {
    out = suggestion{std::move(*ready), suggestion_source::model, std::string(suggester_->model())};
  } else {
    out.text = random_prompt_suggestion();
  }
  if (metrics_ != nullptr) metrics_->served.with({suggestion_source_name(out.source)}).inc();
  return out;
}

std::size_t suggestion_service::cached() const {
  std::lock_guard lock(mutex_);
  return cache_.size();
}

std::optional<std::string_view> suggestion_service::model() const {
  if (suggester_ == nullptr) return std::nullopt;
  return suggester_->model();
}

refill_decision suggestion_service::claim_refill(clock::time_point now) {
  if (suggester_ == nullptr) return refill_decision::off;
  if (refilling_) return refill_decision::in_flight;
  const auto decision = claim_call(now);
  refilling_ = decision == refill_decision::started;
  return decision;
}

// Whether the next call may start now; a call that may is counted against the rate cap.
refill_decision suggestion_service::claim_call(clock::time_point now) {
  if (stopped_) return refill_decision::stopped;
  if (cache_.size() >= settings_.cache_size) return refill_decision::full;
  if (quiet_until_ && now < *quiet_until_) return refill_decision::backing_off;
  while (!calls_.empty() && calls_.front() <= now - rate_window) calls_.pop_front();
  if (calls_.size() >= std::size_t(std::max(0, settings_.max_calls_per_minute))) {
    return refill_decision::rate_capped;
  }
  calls_.push_back(now);
  return refill_decision::started;
}

void suggestion_service::start_refill(refill_decision decision) {
  count(decision);
  if (decision != refill_decision::started) return;
  boost::asio::co_spawn(executor_, refill(), boost::asio::detached);
}

void suggestion_service::count(refill_decision decision) {
  if (metrics_ == nullptr) return;
  if (decision == refill_decision::rate_capped) metrics_->refills_skipped.with({"rate_cap"}).inc();
  if (decision == refill_decision::backing_off) metrics_->refills_skipped.with({"backoff"}).inc();
}

// One call after another until the cache is full or a call may not start.
boost::asio::awaitable<void> suggestion_service::refill() {
  for (;;) {
    // Only what a taken suggestion wanted counts as held back: this refill ends by its own call.
    const refill_decision next_call = co_await call_once();
    if (next_call != refill_decision::started) break;
  }
}

// One call (already counted against the rate cap); answers whether the next may start at once.
boost::asio::awaitable<refill_decision> suggestion_service::call_once() {
  suggestion_request request{random_suggestion_theme(), "suggest-" + util::random_token(8)};
  auto answer = co_await suggester_->suggest(request, abort_);
  settle(request, answer);
  std::lock_guard lock(mutex_);
  const auto decision = claim_call(now_());
  refilling_ = decision == refill_decision::started;
  co_return decision;
}

// Keeps a usable suggestion; a failure or an unusable answer means a pause before the next call.
void suggestion_service::settle(const suggestion_request& request,
                                const outcome<std::string>& answer) {
  const auto now = now_();
  if (!answer && answer.error().kind == error_kind::cancelled) return;  // stopping
  if (!answer) {
    spdlog::warn("[{}] suggestion from {} failed ({}); offline suggestions for now",
                 request.request_id, suggester_->model(), error_code(answer.error().kind));
    if (metrics_ != nullptr) metrics_->model_calls.with({"failed"}).inc();
    std::lock_guard lock(mutex_);
    back_off(answer.error(), now);
    return;
  }
  auto cleaned = clean_suggestion(*answer);
  if (!cleaned) {
    spdlog::warn("[{}] {}'s answer is no usable suggestion ({}): {}", request.request_id,
                 suggester_->model(), cleaned.error().message,
                 util::single_line(*answer, logged_answer_bytes));
    if (metrics_ != nullptr) metrics_->model_calls.with({"refused"}).inc();
    std::lock_guard lock(mutex_);
    back_off(cleaned.error(), now);
    return;
  }
  if (metrics_ != nullptr) metrics_->model_calls.with({"ok"}).inc();
  std::lock_guard lock(mutex_);
  if (cache_.size() < settings_.cache_size) cache_.push_back(std::move(*cleaned));
}

void suggestion_service::back_off(const app_error& error, clock::time_point now) {
  auto pause = settings_.failure_backoff;
  if (error.retry_after_seconds) {
    const auto asked = std::chrono::seconds(std::max(0, *error.retry_after_seconds));
    pause = std::max(pause, std::min(asked, settings_.max_backoff));
  }
  quiet_until_ = now + pause;
}

}  // namespace visionary::core
