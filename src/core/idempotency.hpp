// idempotency: an Idempotency-Key claimed atomically in the blob store before any money is spent,
// so that concurrent or repeated requests with one key make one generation. The first request
// creates the record (create-if-absent) in progress; a duplicate waits, bounded, for it to finish
// and answers with the same images; the record is done once the images are stored, and deleted
// when the generation fails (so the client may retry) or after 24 hours. Thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "core/ports/blob_store.hpp"
#include "util/time.hpp"

namespace visionary::core {

inline constexpr auto idempotency_window = std::chrono::hours{24};

struct idempotency_settings {
  // How long a duplicate waits for the first request before answering idempotency_in_progress.
  std::chrono::seconds wait_limit{60};
  // An in-progress record older than this belongs to a replica that died: it may be taken over.
  std::chrono::seconds stale_after{900};
};

// What a claim found: either this request now owns the key, or the first one's images.
struct idempotency_claim {
  std::string blob_name;
  std::string fingerprint;
  bool owned = false;
  std::vector<std::string> earlier_ids;  // set when !owned
};

class idempotency_records {
 public:
  idempotency_records(blob_store& store, idempotency_settings settings);

  // `replace_done`: take over a finished record too (its images are gone). Fails with
  // idempotency_key_reused (same key, other request) or idempotency_in_progress (the first
  // request is still running after the wait).
  [[nodiscard]] boost::asio::awaitable<outcome<idempotency_claim>> claim(
      const std::string& key, const std::string& fingerprint, bool replace_done = false);
  // The generation succeeded: later duplicates get these image ids.
  boost::asio::awaitable<void> complete(const idempotency_claim& claim,
                                        const std::vector<std::string>& ids);
  // The generation failed: the key is free again.
  boost::asio::awaitable<void> abandon(const idempotency_claim& claim);
  // Deletes records older than the window (at most one listing page, at most every 10 minutes).
  boost::asio::awaitable<void> sweep(util::sys_time now);

  [[nodiscard]] static std::string blob_name(const std::string& key);

 private:
  struct stored_record;
  boost::asio::awaitable<outcome<std::optional<stored_record>>> read(const std::string& name);
  boost::asio::awaitable<outcome<bool>> write_in_progress(const std::string& name,
                                                          const std::string& fingerprint,
                                                          write_condition condition);

  blob_store& store_;
  idempotency_settings settings_;
  std::atomic<std::int64_t> last_sweep_ms_{0};
};

}  // namespace visionary::core
