// connection_table: the server's open connections, counted in all and per client, and the choice
// of which to close when a cap is reached. A connection is "waiting" (idle keep-alive, or still
// sending its request) or "working" (its request is being answered). At a cap, a new connection
// replaces the longest-waiting one under that cap that the caller says is replaceable (a waiting
// connection whose request has arrived but is not read yet is not); when none is, it is refused.
// At its own cap a client replaces only connections that have been answered before, are still
// sending, or have stayed silent past a short grace: a burst of new connections is refused rather
// than closing its own fresh ones before they could send their requests.
// Not thread-safe: the server calls it under its own mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <string>
#include <unordered_map>
#include <vector>

namespace visionary::http {

struct connection_caps {
  std::size_t max_total = 1024;
  std::size_t max_per_client = 128;  // 0: no per-client cap
  // Request bytes held by connections still sending (bodies that trickle in): past this, the
  // longest-waiting senders are closed, so slow uploads cannot pile up memory.
  std::size_t max_buffered_bytes = 64 * 1024 * 1024;
  // A new connection that has sent nothing yet is its client's own to keep for this long.
  std::chrono::milliseconds fresh_grace{500};
};

class connection_table {
 public:
  using id = std::uint64_t;
  // Which cap turned a connection away, so that the caller can say so (429 or 503).
  enum class refusal { none, client_cap, total_cap };
  struct admission {
    bool admitted = false;
    refusal refused_by = refusal::none;
    std::vector<id> evicted;  // connections the caller must close (already forgotten here)
  };
  // Whether a waiting connection may be closed to make room (by default every one may).
  using replaceable_fn = std::function<bool(id)>;
  // Waiting connections examined per cap before a newcomer is refused: bounds the work of one
  // admission when many waiting connections are not replaceable.
  static constexpr std::size_t max_replacement_candidates = 32;

  explicit connection_table(connection_caps caps) : caps_(caps) {}

  // A new connection from `client`; `uncapped` clients (trusted proxies) count only in the total.
  using time_point = std::chrono::steady_clock::time_point;
  [[nodiscard]] admission admit(id connection, const std::string& client, bool uncapped,
                                const replaceable_fn& replaceable = {}, time_point now = {});
  // The connection's request is complete and about to be answered; false when it was evicted.
  [[nodiscard]] bool start_work(id connection);
  // The connection now holds `bytes` of a request it is still sending. Returns the connections to
  // close to stay within max_buffered_bytes (longest-waiting first; it may be this one).
  [[nodiscard]] std::vector<id> hold_buffered(id connection, std::size_t bytes);
  [[nodiscard]] std::size_t buffered_bytes() const { return buffered_; }
  // The answer is written: the connection waits for its next request (the newest waiter).
  void finish_work(id connection);
  void remove(id connection);

  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] bool contains(id connection) const { return entries_.contains(connection); }
  [[nodiscard]] const connection_caps& caps() const { return caps_; }

 private:
  struct client_state {
    std::size_t open = 0;
    std::list<id> waiting;  // oldest first
  };
  struct entry {
    std::string client;
    bool uncapped = false;
    bool working = false;
    bool answered_before = false;
    time_point admitted_at{};
    std::size_t buffered = 0;
    std::list<id>::iterator in_all;
    std::list<id>::iterator in_client;
  };

  bool make_room_for_client(const std::string& client, const replaceable_fn& replaceable,
                            time_point now, admission& result);
  bool make_room_in_total(const replaceable_fn& replaceable, admission& result);
  bool evict_first_replaceable(const std::list<id>& oldest_first, const replaceable_fn& replaceable,
                               time_point fresh_since, admission& result);
  void mark_waiting(id connection, entry& e);
  void unmark_waiting(entry& e);
  void evict(id connection, admission& result);

  connection_caps caps_;
  std::unordered_map<id, entry> entries_;
  std::unordered_map<std::string, client_state> clients_;
  std::list<id> waiting_;  // every waiting connection, oldest first
  std::size_t buffered_ = 0;
};

}  // namespace visionary::http
