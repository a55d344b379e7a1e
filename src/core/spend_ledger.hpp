// spend_ledger: the day's money and images, shared by every replica through the blob store. One
// JSON blob per day holds what was spent, what is reserved by generations still running, and how
// many images each client made; every change is a read-modify-write made safe by a conditional
// write (If-Match / create-if-absent), retried when another replica got there first. Within one
// replica, changes take turns, so that many generations at once do not race each other.
// Thread-safe.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "core/ports/blob_store.hpp"
#include "util/async_lock.hpp"
#include "util/time.hpp"

namespace visionary::core {

struct ledger_settings {
  double daily_budget_usd = 0;    // 0: unlimited
  int client_daily_images = 100;  // 0: unlimited
  int reset_hour_utc = 0;         // the ledger's day starts at this hour (UTC)
  // A reservation whose generation never settles (its replica died) stops counting after this.
  std::chrono::seconds reservation_lifetime{900};
};

// The money and images one running generation holds until it settles.
struct reservation {
  std::string id;
  std::string day;         // the ledger the reservation lives in
  std::string client_key;  // a digest of the client's address, never the address itself
};

// What a generation really used, once it is over.
struct settlement {
  double spent_usd = 0;  // what the provider billed (0 when it reports nothing and made nothing)
  int images = 0;        // images the client received
  bool failed = false;
  std::string model;
};

struct model_usage {
  int images = 0;
  int failures = 0;
  double spent_usd = 0;
};

struct reserved_amount {
  double usd = 0;
  int images = 0;
  std::string client_key;
  util::sys_time expires_at{};
};

// One day of the ledger, as stored.
struct ledger_day {
  std::string day;  // YYYY-MM-DD of the day's start
  double spent_usd = 0;
  int images = 0;
  int failures = 0;
  std::map<std::string, reserved_amount> reservations;  // by reservation id
  std::map<std::string, int> client_images;             // by client key
  std::map<std::string, model_usage> models;

  [[nodiscard]] double reserved_usd() const;
  [[nodiscard]] int client_reserved_images(const std::string& client_key) const;
};

// Where a client and the budget stand today.
struct quota_snapshot {
  int images_left_today = 0;  // -1: unlimited
  util::sys_time resets_at{};
  double limit_usd = 0;  // 0: unlimited
  double spent_usd = 0;
  double reserved_usd = 0;
  [[nodiscard]] bool budget_exhausted() const;
};

class spend_ledger {
 public:
  spend_ledger(blob_store& store, ledger_settings settings);

  // Reserves `images` images costing at most `worst_case_usd` for the client, or refuses:
  // daily_quota_exhausted or budget_exhausted, with the seconds until the day resets.
  [[nodiscard]] boost::asio::awaitable<outcome<reservation>> reserve(std::string_view client,
                                                                     int images,
                                                                     double worst_case_usd,
                                                                     util::sys_time now);
  // Replaces the reservation by what was really used. Never fails the caller: a ledger that
  // cannot be written is logged, and the reservation expires on its own. Returns the day as
  // written (nullopt when it could not be).
  boost::asio::awaitable<std::optional<ledger_day>> settle(const reservation& held, settlement used,
                                                           util::sys_time now);
  [[nodiscard]] boost::asio::awaitable<outcome<quota_snapshot>> snapshot(std::string_view client,
                                                                         util::sys_time now);
  // The stored days from `from` to `to` (inclusive), oldest first; days without a ledger are
  // absent.
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<ledger_day>>> history(
      util::sys_time from, util::sys_time to);

  [[nodiscard]] util::sys_time next_reset(util::sys_time now) const;
  [[nodiscard]] std::string day_of(util::sys_time now) const;
  [[nodiscard]] const ledger_settings& settings() const { return settings_; }

  // The blob holding a day: ledger/days/YYYY-MM-DD.json.
  [[nodiscard]] static std::string blob_name(std::string_view day);
  [[nodiscard]] static std::string client_key(std::string_view client);

 private:
  struct loaded_day;
  template <class Change>
  boost::asio::awaitable<outcome<ledger_day>> update(const std::string& day, util::sys_time now,
                                                     Change change);
  boost::asio::awaitable<outcome<loaded_day>> load(const std::string& day);

  blob_store& store_;
  ledger_settings settings_;
  util::async_lock changes_;  // one read-modify-write of the ledger at a time in this replica
};

// JSON form of a day, as stored (also read by tests and the admin API).
[[nodiscard]] std::string ledger_day_to_json(const ledger_day& day);
[[nodiscard]] outcome<ledger_day> ledger_day_from_json(std::string_view text);

}  // namespace visionary::core
