// gallery_feed: every change to the gallery as a numbered event (image.created, image.deleted) for
// the live subscribers of GET /api/events. Changes made on this replica are published as they
// happen; with a shared store (several replicas) a watcher reads the store's head (a listing of
// one blob) every couple of seconds while anyone is subscribed, and publishes the images other
// replicas made. Thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>

#include "core/gallery_service.hpp"
#include "core/generation_metrics.hpp"
#include "util/event_log.hpp"

namespace visionary::core {

struct gallery_change {
  std::optional<image_view> created;  // image.created
  std::string deleted_id;             // image.deleted (when created is empty)
};

struct feed_settings {
  bool watch_store = false;  // other replicas write to the same store
  std::chrono::milliseconds watch_interval{2000};
  std::size_t history = 256;  // events a reconnecting subscriber can resume from
};

class gallery_feed {
 public:
  using events = util::event_log<gallery_change>;

  gallery_feed(boost::asio::any_io_executor executor, blob_store& store, gallery_service& gallery,
               feed_settings settings, generation_metrics* metrics = nullptr);

  void start();  // the store watcher, when watch_store is set
  void stop();   // ends the watcher and every subscriber's wait

  // Images this replica stored, oldest first.
  void images_created(const std::vector<image_view>& images);
  void image_deleted(const std::string& id);

  [[nodiscard]] events& log() { return log_; }
  // Tells event ids of this process from those of an earlier one or another replica.
  [[nodiscard]] const std::string& epoch() const { return epoch_; }

  // Subscribers hold one of these while connected: the watcher runs only while any exists.
  class subscription {
   public:
    // The first subscriber has the watcher look at once, so it learns where the head is now.
    explicit subscription(gallery_feed& feed) : feed_(feed) {
      if (feed_.subscriber_gauge_ != nullptr) feed_.subscriber_gauge_->add(1);
      if (++feed_.subscribers_ == 1) feed_.wake_watcher();
    }
    ~subscription() {
      if (feed_.subscriber_gauge_ != nullptr) feed_.subscriber_gauge_->add(-1);
      --feed_.subscribers_;
    }
    subscription(const subscription&) = delete;
    subscription& operator=(const subscription&) = delete;

   private:
    gallery_feed& feed_;
  };
  [[nodiscard]] std::size_t subscribers() const { return subscribers_; }
  // Listings of the store's head so far (what watching costs).
  [[nodiscard]] std::uint64_t head_reads() const { return head_reads_; }

 private:
  boost::asio::awaitable<void> watch();
  boost::asio::awaitable<void> read_head();
  void wake_watcher();
  bool remember(const std::string& id);  // false when already published

  boost::asio::any_io_executor executor_;
  blob_store& store_;
  gallery_service& gallery_;
  feed_settings settings_;
  generation_metrics* metrics_;
  util::gauge* subscriber_gauge_ = nullptr;
  events log_;
  std::string epoch_;
  std::atomic<std::size_t> subscribers_{0};
  std::atomic<std::uint64_t> head_reads_{0};
  std::atomic<bool> stopped_{false};
  std::shared_ptr<boost::asio::steady_timer> timer_;
  std::mutex mutex_;
  std::deque<std::string> recent_;              // guarded by mutex_: ids published, oldest first
  std::unordered_set<std::string> recent_set_;  // same
  std::optional<std::string> head_;             // watcher only: the newest blob seen
};

}  // namespace visionary::core
