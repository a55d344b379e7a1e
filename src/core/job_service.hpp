// job_service: generation as a job. Jobs wait in a FIFO queue per replica and run at most
// `concurrency` at once; each reports progress and previews as numbered events, can be cancelled
// (the provider call is aborted, nothing is stored, the reservation released) and is recorded in
// the blob store at each change of state, so any replica can answer for it. A replica vouches for
// its jobs with a heartbeat; a job whose replica stopped beating reads `failed`/`interrupted`.
// POST /api/generateImage runs on the same machinery (generate()). Thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "core/gallery_feed.hpp"
#include "core/generation_metrics.hpp"
#include "core/generation_service.hpp"
#include "core/job_record.hpp"
#include "util/event_log.hpp"

namespace visionary::core {

struct job_settings {
  int concurrency = 4;          // provider calls at once on this replica
  std::size_t max_jobs = 2000;  // queued and running on this replica
  std::chrono::milliseconds heartbeat_interval{10'000};
  std::chrono::hours retention{24};      // job records are removed after this
  std::chrono::seconds cancel_wait{10};  // how long DELETE waits for a running job to stop
};

// What a submitter asks of a job beyond the generation itself.
struct job_options {
  // Keep each in-between picture as the provider sent it (not only the small preview), for a
  // caller that relays them; costs one picture of memory per job while it runs.
  bool keep_partial_images = false;
};

// A job as callers see it: the record plus what only the running replica knows.
struct job_view {
  job_record record;
  std::optional<int> queue_position;  // 1-based while queued on this replica
  job_progress progress;
  std::vector<image_view> images;
};

class job_service {
 public:
  using events = util::event_log<job_view>;

  job_service(boost::asio::any_io_executor executor, generation_service& generation,
              gallery_service& gallery, blob_store& store, gallery_feed& feed,
              boost::asio::thread_pool& preview_pool, job_settings settings,
              generation_metrics* metrics = nullptr);
  ~job_service();

  void start();  // the heartbeat
  // Refuses new jobs, fails the queued ones as interrupted and ends every event stream; running
  // jobs finish (the server's shutdown grace bounds them).
  void stop();

  // Admission (the same limits as any generation) and a place in the queue.
  [[nodiscard]] boost::asio::awaitable<outcome<job_view>> submit(generation_request request,
                                                                 std::string client,
                                                                 job_options options = {});
  [[nodiscard]] boost::asio::awaitable<outcome<job_view>> find(std::string id);
  [[nodiscard]] boost::asio::awaitable<outcome<job_view>> cancel(std::string id);
  // A job from start to end, for POST /api/generateImage (with its Idempotency-Key rules).
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> generate(
      generation_request request, std::optional<std::string> idempotency_key, std::string client);

  // A job queued or running on this replica, to follow: its state now and the events after it.
  struct live_follow {
    job_view now;
    std::uint64_t after = 0;  // the id of the last event `now` includes
    std::shared_ptr<events> log;
  };
  [[nodiscard]] std::optional<live_follow> follow(const std::string& id);

  // Held by each open event stream of a job: counted in visionary_event_subscribers.
  class follower {
   public:
    explicit follower(job_service& jobs) : gauge_(jobs.followers_) {
      if (gauge_ != nullptr) gauge_->add(1);
    }
    ~follower() {
      if (gauge_ != nullptr) gauge_->add(-1);
    }
    follower(const follower&) = delete;
    follower& operator=(const follower&) = delete;

   private:
    util::gauge* gauge_;
  };

  [[nodiscard]] bool stopping() const { return stopping_; }
  [[nodiscard]] const std::string& replica() const { return replica_; }
  [[nodiscard]] int concurrency() const { return settings_.concurrency; }

 private:
  struct live_job;
  class job_watch;

  [[nodiscard]] job_view view_of(const live_job& job) const;                // under mutex_
  [[nodiscard]] std::optional<int> position_of(const live_job& job) const;  // under mutex_
  void publish(const std::shared_ptr<live_job>& job, std::string name);
  void pump();
  boost::asio::awaitable<void> run_job(std::shared_ptr<live_job> job);
  void finish(live_job& job, outcome<std::vector<image_view>> result);
  void on_progress(const std::shared_ptr<live_job>& job, generation_progress progress);
  void make_preview(std::shared_ptr<live_job> job, std::string bytes);
  boost::asio::awaitable<outcome<void>> save(const job_record& record);
  boost::asio::awaitable<outcome<job_view>> read_stored(const std::string& id);
  boost::asio::awaitable<bool> replica_alive(const std::string& replica);
  boost::asio::awaitable<job_record> mark_interrupted(job_record record);
  boost::asio::awaitable<void> beat();
  boost::asio::awaitable<void> heartbeat_loop();
  boost::asio::awaitable<void> sweep();
  boost::asio::awaitable<outcome<job_view>> wait_for_end(std::shared_ptr<live_job> job,
                                                         std::chrono::steady_clock::duration limit);
  void forget(const std::string& id);
  [[nodiscard]] std::shared_ptr<live_job> live_job_of(const std::string& id) const;
  boost::asio::awaitable<bool> stop_live(std::shared_ptr<live_job> job);
  boost::asio::awaitable<outcome<job_view>> cancel_elsewhere(std::string id);
  boost::asio::awaitable<void> take_cancel_requests();
  void count_jobs() const;  // under mutex_

  boost::asio::any_io_executor executor_;
  generation_service& generation_;
  gallery_service& gallery_;
  blob_store& store_;
  gallery_feed& feed_;
  // Previews have a pool of their own: they stay live while full-size images queue for decoding.
  boost::asio::thread_pool& preview_pool_;
  job_settings settings_;
  generation_metrics* metrics_;
  util::gauge* followers_ = nullptr;
  std::string replica_;
  std::atomic<bool> stopping_{false};
  std::shared_ptr<boost::asio::steady_timer> heartbeat_timer_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<live_job>> live_;  // guarded by mutex_
  std::deque<std::shared_ptr<live_job>> waiting_;                    // same
  int running_ = 0;                                                  // same
  util::sys_time last_beat_{};                                       // same
  util::sys_time last_sweep_{};                                      // same
};

}  // namespace visionary::core
