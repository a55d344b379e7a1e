#include "core/gallery_feed.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/strand.hpp>

#include "core/naming.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace {

constexpr std::size_t remembered_ids = 1024;
// How many new images one look at the head may find; more than this between two looks (a burst
// from other replicas) and the oldest of them are not announced (subscribers still see them on
// their next page load).
constexpr int max_head_batch = 50;

}  // namespace

gallery_feed::gallery_feed(boost::asio::any_io_executor executor, blob_store& store,
                           gallery_service& gallery, feed_settings settings,
                           generation_metrics* metrics)
    : executor_(boost::asio::make_strand(executor)),
      store_(store),
      gallery_(gallery),
      settings_(settings),
      metrics_(metrics),
      log_(settings.history),
      epoch_(util::random_token(8)) {
  if (metrics_ != nullptr) subscriber_gauge_ = &metrics_->event_subscribers.with({"gallery"});
}

void gallery_feed::start() {
  if (!settings_.watch_store) return;
  timer_ = std::make_shared<boost::asio::steady_timer>(executor_);
  boost::asio::co_spawn(executor_, watch(), boost::asio::detached);
}

void gallery_feed::stop() {
  stopped_ = true;
  log_.close();
  wake_watcher();
}

bool gallery_feed::remember(const std::string& id) {
  std::lock_guard lock(mutex_);
  if (!recent_set_.insert(id).second) return false;
  recent_.push_back(id);
  if (recent_.size() > remembered_ids) {
    recent_set_.erase(recent_.front());
    recent_.pop_front();
  }
  return true;
}

void gallery_feed::images_created(const std::vector<image_view>& images) {
  for (const auto& image : images) {
    if (remember(image.record.id)) log_.publish("image.created", gallery_change{image, {}});
  }
}

void gallery_feed::image_deleted(const std::string& id) {
  log_.publish("image.deleted", gallery_change{std::nullopt, id});
}

// Reads the newest blob names down to the newest seen before, and announces the images among them
// that this replica has not published (made elsewhere), oldest first. Image names sort newest
// first; an empty head means the store held no image.
boost::asio::awaitable<void> gallery_feed::read_head() {
  ++head_reads_;
  if (metrics_ != nullptr) metrics_->store_head_reads.inc();
  auto page = co_await store_.list(std::string(image_prefix), std::nullopt, 1);
  if (!page) co_return;
  const std::string newest = page->items.empty() ? std::string() : page->items.front().name;
  const bool first_look = !head_;
  const bool nothing_newer = newest.empty() || (head_ && !head_->empty() && newest >= *head_);
  if (first_look || nothing_newer) {
    head_ = newest;  // the first look only learns where the head is
    co_return;
  }
  auto batch = co_await store_.list(std::string(image_prefix), std::nullopt, max_head_batch);
  if (!batch) co_return;
  std::vector<std::string> fresh;
  for (const auto& item : batch->items) {
    if (!head_->empty() && item.name >= *head_) break;  // the rest was seen before
    if (auto names = names_from_image_blob(item.name)) fresh.push_back(names->id);
  }
  head_ = newest;
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) {
    {
      std::lock_guard lock(mutex_);
      if (recent_set_.contains(*it)) continue;
    }
    auto found = co_await gallery_.find(*it);
    if (found) images_created({*found});
  }
}

void gallery_feed::wake_watcher() {
  if (timer_) boost::asio::post(executor_, [timer = timer_] { timer->cancel(); });
}

boost::asio::awaitable<void> gallery_feed::watch() {
  while (!stopped_) {
    timer_->expires_after(settings_.watch_interval);
    (void)co_await timer_->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (stopped_) break;
    if (subscribers_ == 0) {
      head_.reset();  // nobody listened meanwhile: start afresh, announce nothing old
      continue;
    }
    try {
      co_await read_head();
    } catch (const std::exception& e) {
      spdlog::error("gallery watcher: {}", e.what());
    }
  }
}

}  // namespace visionary::core
