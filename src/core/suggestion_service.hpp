// suggestion_service: prompt suggestions for GET /api/suggestion that never keep anyone waiting. A
// small cache of suggestions a language model made is refilled in the background, one call at a
// time, within a rate cap and with a back-off after a failure or an unusable answer; whenever the
// cache is empty (or no model is configured) the offline generator answers instead.
// Thread-safe: one mutex guards the cache and the bookkeeping; refills run on a strand.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/ports/prompt_suggester.hpp"
#include "util/abort_signal.hpp"
#include "util/metrics.hpp"

namespace visionary::core {

struct suggestion_settings {
  std::size_t cache_size = 4;                // suggestions kept ready
  int max_calls_per_minute = 30;             // calls to the model in any 60 seconds
  std::chrono::seconds failure_backoff{30};  // no call for this long after a failure...
  std::chrono::seconds max_backoff{600};     // ...or as long as the model's retry-after, up to this
};

enum class suggestion_source { model, offline };
[[nodiscard]] std::string_view suggestion_source_name(suggestion_source source);

struct suggestion {
  std::string text;
  suggestion_source source = suggestion_source::offline;
  std::string model;  // the chat model that wrote it; empty when offline
};

// What became of the wish to refill when a suggestion was taken (or a call ended).
enum class refill_decision { started, in_flight, full, rate_capped, backing_off, stopped, off };

// The Prometheus series of suggestions.
struct suggestion_metrics {
  explicit suggestion_metrics(util::metrics_registry& registry);
  util::counter_family& served;           // source (model, offline)
  util::counter_family& model_calls;      // outcome (ok, failed, refused: an unusable answer)
  util::counter_family& refills_skipped;  // reason (rate_cap, backoff)
};

class suggestion_service {
 public:
  using clock = std::chrono::steady_clock;
  using clock_function = std::function<clock::time_point()>;

  // suggester: null when no model is configured, so every suggestion is offline. Both suggester
  // and metrics (optional) must outlive the service.
  suggestion_service(boost::asio::any_io_executor executor, prompt_suggester* suggester,
                     suggestion_settings settings, suggestion_metrics* metrics = nullptr,
                     clock_function now = clock::now);

  void start();  // fills the cache in the background
  void stop();   // no further calls; the call in flight is aborted

  // At once: the oldest ready suggestion of the model, else an offline one. Starts a refill when
  // the cache has room and the rate cap and back-off allow.
  [[nodiscard]] suggestion next();

  [[nodiscard]] std::size_t cached() const;
  // The chat model, when one is configured.
  [[nodiscard]] std::optional<std::string_view> model() const;

 private:
  refill_decision claim_refill(clock::time_point now);  // mutex_ held
  refill_decision claim_call(clock::time_point now);    // mutex_ held
  void start_refill(refill_decision decision);
  boost::asio::awaitable<void> refill();
  boost::asio::awaitable<refill_decision> call_once();
  void settle(const suggestion_request& request, const outcome<std::string>& answer);
  void back_off(const app_error& error, clock::time_point now);  // mutex_ held
  void count(refill_decision decision);

  boost::asio::any_io_executor executor_;  // a strand: refills run one handler at a time
  prompt_suggester* suggester_;
  suggestion_settings settings_;
  suggestion_metrics* metrics_;
  clock_function now_;
  util::abort_signal abort_;

  mutable std::mutex mutex_;
  std::deque<std::string> cache_;                 // guarded by mutex_: oldest first
  std::deque<clock::time_point> calls_;           // same: starts of calls in the last minute
  std::optional<clock::time_point> quiet_until_;  // same: the back-off after a failure
  bool refilling_ = false;                        // same: a refill is running
  bool stopped_ = false;                          // same
};

}  // namespace visionary::core
