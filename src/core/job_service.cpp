#include "core/job_service.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json.hpp>

#include "imaging/image_codec.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace {

// Events a subscriber may fall behind by before it is sent a fresh state instead.
constexpr std::size_t event_history = 16;
// A heartbeat older than this many intervals means its replica is gone.
constexpr int stale_beats = 3;
constexpr std::string_view replica_prefix = "replicas/";
constexpr auto sweep_interval = std::chrono::minutes{10};
constexpr int sweep_page = 500;
constexpr auto closed_poll = std::chrono::milliseconds{100};
constexpr std::string_view cancel_prefix = "cancels/";
constexpr int cancel_page = 100;
// How often a replica asking another to cancel reads the job's record for its end.
constexpr auto remote_cancel_poll = std::chrono::milliseconds{500};

std::string cancel_blob(std::string_view id) {
  return std::string(cancel_prefix) + std::string(id);
}

std::string replica_blob(std::string_view replica) {
  return std::string(replica_prefix) + std::string(replica) + ".json";
}

std::string_view terminal_event(job_status status) {
  switch (status) {
    case job_status::succeeded:
      return "completed";
    case job_status::cancelled:
      return "cancelled";
    default:
      return "failed";
  }
}

app_error interrupted_error() {
  return make_error(error_kind::interrupted,
                    "The server running this job stopped before it finished; try again.");
}

}  // namespace

struct job_service::live_job {
  job_record record;
  job_progress progress;
  std::vector<image_view> images;
  std::optional<spend_permit> permit;  // held from admission until the job runs or ends
  util::abort_signal abort;
  job_options options;
  std::shared_ptr<events> log = std::make_shared<events>(event_history);
  bool preview_busy = false;    // a preview is being made small
  std::string pending_preview;  // the newest one that arrived meanwhile
};

// What the provider of one job reports to.
class job_service::job_watch final : public generation_watch {
 public:
  job_watch(job_service& service, std::shared_ptr<live_job> job)
      : service_(service), job_(std::move(job)) {}
  void report(generation_progress progress) override {
    service_.on_progress(job_, std::move(progress));
  }
  util::abort_signal& abort() override { return job_->abort; }

 private:
  job_service& service_;
  std::shared_ptr<live_job> job_;
};

job_service::job_service(boost::asio::any_io_executor executor, generation_service& generation,
                         gallery_service& gallery, blob_store& store, gallery_feed& feed,
                         boost::asio::thread_pool& preview_pool, job_settings settings,
                         generation_metrics* metrics)
    : executor_(std::move(executor)),
      generation_(generation),
      gallery_(gallery),
      store_(store),
      feed_(feed),
      preview_pool_(preview_pool),
      settings_(settings),
      metrics_(metrics),
      replica_(util::random_token(12)) {
  settings_.concurrency = std::max(1, settings_.concurrency);
  if (metrics_ != nullptr) followers_ = &metrics_->event_subscribers.with({"job"});
}

void job_service::count_jobs() const {
  if (metrics_ == nullptr) return;
  metrics_->jobs_queued.set(double(waiting_.size()));
  metrics_->jobs_running.set(double(running_));
}

job_service::~job_service() = default;

std::optional<int> job_service::position_of(const live_job& job) const {
  if (job.record.status != job_status::queued) return std::nullopt;
  for (std::size_t i = 0; i < waiting_.size(); ++i)
    if (waiting_[i].get() == &job) return int(i) + 1;
  return std::nullopt;
}

job_view job_service::view_of(const live_job& job) const {
  return job_view{job.record, position_of(job), job.progress, job.images};
}

void job_service::publish(const std::shared_ptr<live_job>& job, std::string name) {
  job_view view;
  {
    std::lock_guard lock(mutex_);
    view = view_of(*job);
  }
  job->log->publish(std::move(name), std::move(view));
}

// ------------------------------------------------------------------ submitting and scheduling

boost::asio::awaitable<outcome<job_view>> job_service::submit(generation_request request,
                                                              std::string client,
                                                              job_options options) {
  const auto full = [] {
    return make_error(error_kind::queue_full,
                      "The server has as many jobs queued as it can hold; try again in a minute.");
  };
  if (stopping_)
    co_return make_error(error_kind::provider_unavailable, "The server is restarting; try again.");
  {
    std::lock_guard lock(mutex_);
    if (live_.size() >= settings_.max_jobs) co_return full();
  }
  auto permit = co_await generation_.admit(request, client);
  if (!permit) co_return permit.error();
  auto job = std::make_shared<live_job>();
  job->record.created_at = std::chrono::system_clock::now();
  job->record.id = make_job_id(job->record.created_at);
  job->record.request = std::move(request);
  job->record.replica = replica_;
  job->options = options;
  job->permit = std::move(*permit);
  co_await beat();
  if (auto saved = co_await save(job->record); !saved) {
    co_await generation_.release(std::move(*job->permit));
    co_return saved.error();
  }
  job_view view;
  {
    std::lock_guard lock(mutex_);
    if (live_.size() < settings_.max_jobs) {
      live_.emplace(job->record.id, job);
      waiting_.push_back(job);
      view = view_of(*job);
    }
  }
  if (view.record.id.empty()) {
    co_await generation_.release(std::move(*job->permit));
    co_return full();
  }
  pump();
  boost::asio::co_spawn(executor_, sweep(), boost::asio::detached);
  co_return view;
}

// Starts queued jobs while there is room; queued jobs that someone follows hear their new place.
void job_service::pump() {
  std::vector<std::shared_ptr<live_job>> to_start;
  std::vector<std::shared_ptr<live_job>> moved;
  {
    std::lock_guard lock(mutex_);
    while (running_ < settings_.concurrency && !waiting_.empty()) {
      auto job = waiting_.front();
      waiting_.pop_front();
      ++running_;
      job->record.status = job_status::running;
      job->record.started_at = std::chrono::system_clock::now();
      to_start.push_back(std::move(job));
    }
    if (!to_start.empty()) {
      for (const auto& job : waiting_)
        if (job->log->waiting() > 0) moved.push_back(job);
    }
    count_jobs();
  }
  for (const auto& job : moved) publish(job, "progress");
  for (auto& job : to_start) {
    boost::asio::co_spawn(boost::asio::make_strand(executor_), run_job(std::move(job)),
                          boost::asio::detached);
  }
}

boost::asio::awaitable<void> job_service::run_job(std::shared_ptr<live_job> job) {
  job_record started;
  {
    std::lock_guard lock(mutex_);
    started = job->record;
  }
  if (auto saved = co_await save(started); !saved)
    spdlog::warn("job {}: could not record its start: {}", started.id, saved.error().message);
  publish(job, "state");
  job_watch watch(*this, job);
  auto permit = std::move(*job->permit);
  job->permit.reset();
  auto result = co_await generation_.run(started.request, std::move(permit), watch);
  if (!result) {
    spdlog::info("[{}] job {} ended: {}", started.request.request_id, started.id,
                 result.error().message);
  }
  finish(*job, std::move(result));
  job_record ended;
  {
    std::lock_guard lock(mutex_);
    ended = job->record;
  }
  if (auto saved = co_await save(ended); !saved)
    spdlog::error("job {}: could not record its end: {}", ended.id, saved.error().message);
  publish(job, std::string(terminal_event(ended.status)));
  if (ended.status == job_status::succeeded) {
    std::vector<image_view> oldest_first(job->images.rbegin(), job->images.rend());
    feed_.images_created(oldest_first);
  }
  {
    std::lock_guard lock(mutex_);
    --running_;
    count_jobs();
  }
  forget(ended.id);
  pump();
}

void job_service::finish(live_job& job, outcome<std::vector<image_view>> result) {
  std::lock_guard lock(mutex_);
  auto& record = job.record;
  record.finished_at = std::chrono::system_clock::now();
  if (result) {
    record.status = job_status::succeeded;
    for (const auto& image : *result) record.image_ids.push_back(image.record.id);
    job.images = std::move(*result);
    job.progress.fraction = 1.0;
    return;
  }
  const bool cancelled = result.error().kind == error_kind::cancelled || job.abort.aborted();
  record.status = cancelled ? job_status::cancelled : job_status::failed;
  record.error =
      cancelled ? make_error(error_kind::cancelled, "The job was cancelled.") : result.error();
}

void job_service::forget(const std::string& id) {
  std::lock_guard lock(mutex_);
  live_.erase(id);
}

// ------------------------------------------------------------------ progress and previews

void job_service::on_progress(const std::shared_ptr<live_job>& job, generation_progress progress) {
  bool make_small = false;
  {
    std::lock_guard lock(mutex_);
    if (job->record.status != job_status::running) return;
    auto& now = job->progress;
    if (progress.fraction) now.fraction = std::clamp(*progress.fraction, 0.0, 1.0);
    if (progress.step) now.step = progress.step;
    if (progress.steps) now.steps = progress.steps;
    now.eta_seconds = progress.eta_seconds;
    if (job->options.keep_partial_images && !progress.preview.empty()) {
      now.partial_image = std::make_shared<const std::string>(progress.preview);
      ++now.partial_images;
    }
    if (!progress.preview.empty()) {
      if (job->preview_busy) {
        job->pending_preview = std::move(progress.preview);
      } else {
        job->preview_busy = make_small = true;
      }
    }
  }
  publish(job, "progress");
  if (make_small) make_preview(job, std::move(progress.preview));
}

// Previews are made small on the image pool, one at a time per job; only the newest waiting one
// is kept, so a fast provider cannot queue work faster than it is done.
void job_service::make_preview(std::shared_ptr<live_job> job, std::string bytes) {
  boost::asio::post(
      preview_pool_, [this, job = std::move(job), bytes = std::move(bytes)]() mutable {
        auto webp = imaging::make_preview_webp(bytes);
        std::string next;
        bool running = false;
        {
          std::lock_guard lock(mutex_);
          running = job->record.status == job_status::running;
          if (webp && running) {
            job->progress.preview_url = std::make_shared<const std::string>(
                "data:image/webp;base64," + util::base64_encode(*webp));
          }
          next = std::move(job->pending_preview);
          job->pending_preview.clear();
          job->preview_busy = running && !next.empty();
        }
        if (!webp)
          spdlog::warn("job {}: preview skipped: {}", job->record.id, webp.error().message);
        if (webp && running) publish(job, "preview");
        if (running && !next.empty()) make_preview(std::move(job), std::move(next));
      });
}

// ------------------------------------------------------------------ reading and cancelling

std::optional<job_service::live_follow> job_service::follow(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto it = live_.find(id);
  if (it == live_.end()) return std::nullopt;
  // The id is read under the same lock every publish() takes its view under: `now` includes
  // every event up to `after`.
  return live_follow{view_of(*it->second), it->second->log->last_id(), it->second->log};
}

boost::asio::awaitable<outcome<job_view>> job_service::find(std::string id) {
  if (!valid_job_id(id))
    co_return make_error(error_kind::not_found, "No job has the id '" + id + "'.");
  {
    std::lock_guard lock(mutex_);
    if (auto it = live_.find(id); it != live_.end()) co_return view_of(*it->second);
  }
  co_return co_await read_stored(id);
}

boost::asio::awaitable<outcome<job_view>> job_service::read_stored(const std::string& id) {
  const auto missing = [&] {
    return make_error(error_kind::not_found, "No job has the id '" + id + "'.");
  };
  auto stored = co_await store_.get(job_blob_name(id), std::nullopt);
  if (!stored) {
    if (stored.error().kind == error_kind::not_found) co_return missing();
    co_return stored.error();
  }
  auto record = parse_job_record(stored->bytes);
  if (!record || record->id != id) co_return missing();
  if (record->created_at + settings_.retention < std::chrono::system_clock::now())
    co_return missing();
  if (!is_terminal(record->status)) {
    // Ours but no longer live, or another replica's that stopped beating: it will never finish.
    const bool ours_and_gone = record->replica == replica_;
    if (ours_and_gone || !co_await replica_alive(record->replica))
      record = co_await mark_interrupted(std::move(*record));
  }
  job_view view{*record, std::nullopt, {}, {}};
  if (record->status == job_status::succeeded) {
    view.progress.fraction = 1.0;
    for (const auto& image_id : record->image_ids)
      if (auto image = co_await gallery_.find(image_id)) view.images.push_back(std::move(*image));
  }
  co_return view;
}

boost::asio::awaitable<job_record> job_service::mark_interrupted(job_record record) {
  record.status = job_status::failed;
  record.error = interrupted_error();
  record.finished_at = std::chrono::system_clock::now();
  if (auto saved = co_await save(record); !saved)
    spdlog::warn("job {}: could not record it as interrupted: {}", record.id,
                 saved.error().message);
  co_return record;
}

std::shared_ptr<job_service::live_job> job_service::live_job_of(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = live_.find(id);
  return it == live_.end() ? nullptr : it->second;
}

boost::asio::awaitable<outcome<job_view>> job_service::cancel(std::string id) {
  auto job = live_job_of(id);
  if (!job) co_return co_await cancel_elsewhere(std::move(id));  // ended, elsewhere, or unknown
  if (co_await stop_live(job)) {
    std::lock_guard lock(mutex_);
    co_return view_of(*job);
  }
  co_return co_await wait_for_end(job, settings_.cancel_wait);
}

// A queued job ends here and now (true); a running one has its provider call aborted and ends
// when the provider has stopped (false).
boost::asio::awaitable<bool> job_service::stop_live(std::shared_ptr<live_job> job) {
  bool was_queued = false;
  {
    std::lock_guard lock(mutex_);
    if (job->record.status == job_status::queued) {
      was_queued = true;
      std::erase(waiting_, job);
      count_jobs();
      job->record.status = job_status::cancelled;
      job->record.finished_at = std::chrono::system_clock::now();
      job->record.error = make_error(error_kind::cancelled, "The job was cancelled.");
    }
  }
  job->abort.abort();
  if (!was_queued) co_return false;
  co_await generation_.release(std::move(*job->permit));
  job->permit.reset();
  if (auto saved = co_await save(job->record); !saved)
    spdlog::warn("job {}: could not record its cancellation", job->record.id);
  publish(job, "cancelled");
  forget(job->record.id);
  pump();  // the places behind it moved up
  co_return true;
}

// A job another replica runs: a cancel request in the store, which that replica reads with its
// heartbeat, then its record is watched for the end (bounded by cancel_wait).
boost::asio::awaitable<outcome<job_view>> job_service::cancel_elsewhere(std::string id) {
  auto now = co_await find(id);
  if (!now || is_terminal(now->record.status)) co_return now;
  if (auto put = co_await store_.put(cancel_blob(id),
                                     util::format_rfc3339_millis(std::chrono::system_clock::now()),
                                     "text/plain", {});
      !put) {
    co_return put.error();
  }
  boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
  const auto deadline = std::chrono::steady_clock::now() + settings_.cancel_wait;
  while (std::chrono::steady_clock::now() < deadline) {
    pause.expires_after(remote_cancel_poll);
    (void)co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    auto later = co_await find(id);
    if (!later) co_return later;
    now = std::move(later);
    if (is_terminal(now->record.status)) break;
  }
  if (is_terminal(now->record.status)) (void)co_await store_.remove(cancel_blob(id));
  co_return now;
}

// Cancel requests other replicas left for jobs of this one.
boost::asio::awaitable<void> job_service::take_cancel_requests() {
  auto requests = co_await store_.list(std::string(cancel_prefix), std::nullopt, cancel_page);
  if (!requests) co_return;
  for (const auto& item : requests->items) {
    auto job = live_job_of(item.name.substr(cancel_prefix.size()));
    if (!job) continue;
    (void)co_await store_.remove(item.name);
    spdlog::info("job {}: cancelled from another replica", job->record.id);
    (void)co_await stop_live(job);
  }
}

boost::asio::awaitable<outcome<job_view>> job_service::wait_for_end(
    std::shared_ptr<live_job> job, std::chrono::steady_clock::duration limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    std::uint64_t seen = 0;
    {
      std::lock_guard lock(mutex_);
      if (is_terminal(job->record.status) || std::chrono::steady_clock::now() >= deadline)
        co_return view_of(*job);
      seen = job->log->last_id();
    }
    if (!job->log->closed()) {
      co_await job->log->wait(seen, deadline - std::chrono::steady_clock::now());
      continue;
    }
    // Stopping: the job's events no longer wake anyone, but the job still ends.
    boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor, closed_poll);
    co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

// ------------------------------------------------------------------ the synchronous call

boost::asio::awaitable<outcome<std::vector<image_view>>> job_service::generate(
    generation_request request, std::optional<std::string> idempotency_key, std::string client) {
  auto through_a_job = [this, &request,
                        &client]() -> boost::asio::awaitable<outcome<std::vector<image_view>>> {
    auto submitted = co_await submit(request, client);
    if (!submitted) co_return submitted.error();
    std::shared_ptr<live_job> job;
    {
      std::lock_guard lock(mutex_);
      if (auto it = live_.find(submitted->record.id); it != live_.end()) job = it->second;
    }
    // No co_await inside ?: — g++ 12 destroys the temporaries of such an expression twice.
    outcome<job_view> ended = make_error(error_kind::internal_error, "job not followed");
    if (job) {
      ended = co_await wait_for_end(job, std::chrono::hours(24));
    } else {
      ended = co_await find(submitted->record.id);
    }
    if (!ended) co_return ended.error();
    if (ended->record.status == job_status::succeeded) co_return std::move(ended->images);
    co_return ended->record.error.value_or(interrupted_error());
  };
  if (idempotency_key)
    co_return co_await generation_.once(request, *idempotency_key, through_a_job);
  co_return co_await through_a_job();
}

// ------------------------------------------------------------------ the store

boost::asio::awaitable<outcome<void>> job_service::save(const job_record& record) {
  co_return co_await store_.put(job_blob_name(record.id), job_record_json(record),
                                "application/json", {});
}

boost::asio::awaitable<bool> job_service::replica_alive(const std::string& replica) {
  if (replica.empty()) co_return false;
  auto beat_blob = co_await store_.get(replica_blob(replica), std::nullopt);
  if (!beat_blob) co_return beat_blob.error().kind != error_kind::not_found;  // unsure: alive
  const auto at = util::parse_iso_utc(beat_blob->bytes);
  const auto stale_after = settings_.heartbeat_interval * stale_beats;
  co_return at&&* at + stale_after > std::chrono::system_clock::now();
}

// Writes this replica's heartbeat when the last one is half an interval old.
boost::asio::awaitable<void> job_service::beat() {
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (now - last_beat_ < settings_.heartbeat_interval / 2) co_return;
    last_beat_ = now;
  }
  if (auto put = co_await store_.put(replica_blob(replica_), util::format_rfc3339_millis(now),
                                     "text/plain", {});
      !put) {
    spdlog::warn("job heartbeat not written: {}", put.error().message);
  }
}

// Beats while this replica has jobs; an idle replica writes nothing.
boost::asio::awaitable<void> job_service::heartbeat_loop() {
  while (!stopping_) {
    heartbeat_timer_->expires_after(settings_.heartbeat_interval / 2);
    (void)co_await heartbeat_timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    bool busy = false;
    {
      std::lock_guard lock(mutex_);
      busy = !live_.empty();
    }
    if (!busy) continue;
    co_await beat();
    co_await take_cancel_requests();
  }
}

// Removes job records older than the retention, and heartbeats of replicas long gone; at most
// once per sweep_interval, oldest first (job names sort by creation time).
boost::asio::awaitable<void> job_service::sweep() {
  const auto now = std::chrono::system_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (now - last_sweep_ < sweep_interval) co_return;
    last_sweep_ = now;
  }
  const auto cutoff = now - settings_.retention;
  auto page = co_await store_.list(std::string(job_prefix), std::nullopt, sweep_page);
  if (page) {
    for (const auto& item : page->items) {
      const auto created = job_blob_created(item.name);
      if (created && *created >= cutoff) break;
      (void)co_await store_.remove(item.name);
    }
  }
  // Heartbeats of replicas long gone, and cancel requests nobody took (their jobs had ended).
  for (const auto prefix : {replica_prefix, cancel_prefix}) {
    auto stale = co_await store_.list(std::string(prefix), std::nullopt, sweep_page);
    if (!stale) continue;
    for (const auto& item : stale->items)
      if (item.last_modified < cutoff) (void)co_await store_.remove(item.name);
  }
}

// ------------------------------------------------------------------ start and stop

void job_service::start() {
  heartbeat_timer_ = std::make_shared<boost::asio::steady_timer>(executor_);
  boost::asio::co_spawn(boost::asio::make_strand(executor_), heartbeat_loop(),
                        boost::asio::detached);
}

void job_service::stop() {
  stopping_ = true;
  if (heartbeat_timer_)
    boost::asio::post(executor_, [timer = heartbeat_timer_] { timer->cancel(); });
  std::vector<std::shared_ptr<live_job>> queued;
  std::vector<std::shared_ptr<live_job>> all;
  {
    std::lock_guard lock(mutex_);
    queued.assign(waiting_.begin(), waiting_.end());
    waiting_.clear();
    count_jobs();
    for (auto& job : queued) {
      job->record.status = job_status::failed;
      job->record.finished_at = std::chrono::system_clock::now();
      job->record.error = interrupted_error();
    }
    for (const auto& [id, job] : live_) all.push_back(job);
  }
  for (auto& job : queued) {
    publish(job, "failed");  // before the streams close: followers learn how it ended
    boost::asio::co_spawn(
        executor_,
        [this, job]() -> boost::asio::awaitable<void> {
          co_await generation_.release(std::move(*job->permit));
          (void)co_await save(job->record);
          forget(job->record.id);
        },
        boost::asio::detached);
  }
  for (const auto& job : all) job->log->close();
}

}  // namespace visionary::core
