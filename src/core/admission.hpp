// admission: who may start a generation right now. A token bucket per client (rate and burst) and
// in-flight caps for the whole server and per client, checked before any money is spent. State is
// per process (per replica). Thread-safe: one mutex guards the small per-client table.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace visionary::core {

struct admission_settings {
  double rate_per_second = 10.0 / 60;  // the bucket refills at this rate...
  double burst = 10;                   // ...up to this many generations at once
  int max_in_flight = 16;              // server-wide; 0: no cap
  int client_max_in_flight = 2;        // per client; 0: no cap
};

// "10/min", "2/s", "100/hour" (count per unit); the burst is the count. nullopt when malformed.
[[nodiscard]] std::optional<admission_settings> parse_client_rate(std::string_view text,
                                                                  admission_settings base);

class admission_control;

// Holds one in-flight place until destroyed (or moved from).
class admission_ticket {
 public:
  admission_ticket() = default;
  admission_ticket(admission_control* owner, std::string client);
  admission_ticket(admission_ticket&& other) noexcept;
  admission_ticket& operator=(admission_ticket&& other) noexcept;
  admission_ticket(const admission_ticket&) = delete;
  admission_ticket& operator=(const admission_ticket&) = delete;
  ~admission_ticket();

 private:
  void release();
  admission_control* owner_ = nullptr;
  std::string client_;
};

struct client_admission_state {
  int in_flight = 0;
  int max_in_flight = 0;  // 0: no cap
};

class admission_control {
 public:
  using clock = std::chrono::steady_clock;
  // Clients with nothing in flight and a full bucket are forgotten beyond this many.
  static constexpr std::size_t max_tracked_clients = 50'000;

  explicit admission_control(admission_settings settings) : settings_(settings) {}

  // Takes a token and an in-flight place, or says why not: rate_limited (retry when the next
  // token is due) or too_many_in_flight.
  [[nodiscard]] outcome<admission_ticket> admit(std::string_view client, clock::time_point now);
  [[nodiscard]] client_admission_state state(std::string_view client) const;
  [[nodiscard]] const admission_settings& settings() const { return settings_; }
  [[nodiscard]] std::size_t tracked_clients() const;

 private:
  friend class admission_ticket;
  struct client_entry {
    double tokens = 0;
    clock::time_point refilled{};
    int in_flight = 0;
  };
  void release(const std::string& client);
  void refill(client_entry& entry, clock::time_point now) const;
  void forget_idle_clients(clock::time_point now);

  admission_settings settings_;
  mutable std::mutex mutex_;
  std::map<std::string, client_entry, std::less<>> clients_;  // guarded by mutex_
  int in_flight_ = 0;                                         // guarded by mutex_
};

}  // namespace visionary::core
