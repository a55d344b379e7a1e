#include "core/spend_ledger.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cmath>
#include <random>

#include "util/crypto.hpp"

namespace visionary::core {

namespace {

namespace json = boost::json;

// Conditional writes that lose a race are retried this often before the request gives up.
constexpr int max_write_attempts = 64;

int seconds_until(util::sys_time then, util::sys_time now) {
  return int(std::max<long long>(1, std::chrono::ceil<std::chrono::seconds>(then - now).count()));
}

std::string format_reset(util::sys_time at) {
  return util::format_iso_seconds(at).substr(11, 5) + " UTC";
}

// A growing, jittered wait so that replicas that collided do not collide again.
std::chrono::milliseconds backoff(int attempt) {
  thread_local std::minstd_rand random{std::random_device{}()};
  const int ceiling = std::min(200, 4 << std::min(attempt, 6));
  return std::chrono::milliseconds(1 + random() % ceiling);
}

double number_or_zero(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_number() ? v->to_number<double>() : 0;
}

json::object model_usage_json(const std::map<std::string, model_usage>& models) {
  json::object out;
  for (const auto& [name, usage] : models) {
    out[name] = json::object{
        {"images", usage.images}, {"failures", usage.failures}, {"spentUsd", usage.spent_usd}};
  }
  return out;
}

json::object reservations_json(const std::map<std::string, reserved_amount>& reservations) {
  json::object out;
  for (const auto& [id, held] : reservations) {
    out[id] = json::object{{"usd", held.usd},
                           {"images", held.images},
                           {"client", held.client_key},
                           {"expiresAt", util::format_rfc3339_millis(held.expires_at)}};
  }
  return out;
}

void read_reservations(const json::object& o, ledger_day& day) {
  const auto* held = o.if_contains("reservations");
  if (held == nullptr || !held->is_object()) return;
  for (const auto& [id, entry] : held->as_object()) {
    if (!entry.is_object()) continue;
    const auto& e = entry.as_object();
    reserved_amount amount;
    amount.usd = number_or_zero(e, "usd");
    amount.images = int(number_or_zero(e, "images"));
    if (const auto* c = e.if_contains("client"); c && c->is_string())
      amount.client_key = std::string(c->as_string());
    if (const auto* at = e.if_contains("expiresAt"); at && at->is_string())
      amount.expires_at = util::parse_iso_utc(at->as_string()).value_or(util::sys_time{});
    day.reservations[std::string(id)] = std::move(amount);
  }
}

void read_counts(const json::object& o, ledger_day& day) {
  if (const auto* clients = o.if_contains("clients"); clients && clients->is_object()) {
    for (const auto& [key, count] : clients->as_object())
      if (count.is_number()) day.client_images[std::string(key)] = int(count.to_number<double>());
  }
  if (const auto* models = o.if_contains("models"); models && models->is_object()) {
    for (const auto& [name, entry] : models->as_object()) {
      if (!entry.is_object()) continue;
      const auto& e = entry.as_object();
      day.models[std::string(name)] =
          model_usage{int(number_or_zero(e, "images")), int(number_or_zero(e, "failures")),
                      number_or_zero(e, "spentUsd")};
    }
  }
}

}  // namespace

double ledger_day::reserved_usd() const {
  double total = 0;
  for (const auto& [id, held] : reservations) total += held.usd;
  return total;
}

int ledger_day::client_reserved_images(const std::string& client_key) const {
  int total = 0;
  for (const auto& [id, held] : reservations)
    if (held.client_key == client_key) total += held.images;
  return total;
}

bool quota_snapshot::budget_exhausted() const {
  // A cent is the smallest request worth making.
  return limit_usd > 0 && spent_usd + reserved_usd >= limit_usd - 0.01;
}

std::string ledger_day_to_json(const ledger_day& day) {
  json::object clients;
  for (const auto& [key, count] : day.client_images) clients[key] = count;
  return json::serialize(json::object{{"day", day.day},
                                      {"spentUsd", day.spent_usd},
                                      {"images", day.images},
                                      {"failures", day.failures},
                                      {"reservations", reservations_json(day.reservations)},
                                      {"clients", std::move(clients)},
                                      {"models", model_usage_json(day.models)}});
}

outcome<ledger_day> ledger_day_from_json(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object()) {
    return make_error(error_kind::storage_error, "The spending ledger is damaged (not JSON).");
  }
  const auto& o = value.as_object();
  ledger_day day;
  if (const auto* d = o.if_contains("day"); d && d->is_string())
    day.day = std::string(d->as_string());
  day.spent_usd = number_or_zero(o, "spentUsd");
  day.images = int(number_or_zero(o, "images"));
  day.failures = int(number_or_zero(o, "failures"));
  read_reservations(o, day);
  read_counts(o, day);
  return day;
}

struct spend_ledger::loaded_day {
  ledger_day day;
  std::optional<std::string> etag;  // nullopt: no blob yet
};

spend_ledger::spend_ledger(blob_store& store, ledger_settings settings)
    : store_(store), settings_(settings) {}

std::string spend_ledger::blob_name(std::string_view day) {
  return "ledger/days/" + std::string(day) + ".json";
}

std::string spend_ledger::client_key(std::string_view client) {
  return util::hex_encode(util::sha256(client)).substr(0, 16);
}

std::string spend_ledger::day_of(util::sys_time now) const {
  const auto shifted = now - std::chrono::hours(settings_.reset_hour_utc);
  return util::format_iso_seconds(std::chrono::floor<std::chrono::days>(shifted)).substr(0, 10);
}

util::sys_time spend_ledger::next_reset(util::sys_time now) const {
  const auto shifted = now - std::chrono::hours(settings_.reset_hour_utc);
  return std::chrono::floor<std::chrono::days>(shifted) + std::chrono::days(1) +
         std::chrono::hours(settings_.reset_hour_utc);
}

boost::asio::awaitable<outcome<spend_ledger::loaded_day>> spend_ledger::load(
    const std::string& day) {
  auto stored = co_await store_.get(blob_name(day), std::nullopt);
  if (!stored) {
    if (stored.error().kind != error_kind::not_found) co_return stored.error();
    ledger_day fresh;
    fresh.day = day;
    co_return loaded_day{std::move(fresh), std::nullopt};
  }
  auto parsed = ledger_day_from_json(stored->bytes);
  if (!parsed) co_return parsed.error();
  parsed->day = day;
  co_return loaded_day{std::move(*parsed), stored->properties.etag};
}

// Read, change, write back only if nobody wrote in between; again from the top when someone did.
// `change` returns outcome<void>: a failure (a refusal) ends the update without writing.
template <class Change>
boost::asio::awaitable<outcome<ledger_day>> spend_ledger::update(const std::string& day,
                                                                 util::sys_time now,
                                                                 Change change) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto turn = co_await changes_.acquire();  // races are left to other replicas
  for (int attempt = 0; attempt < max_write_attempts; ++attempt) {
    auto loaded = co_await load(day);
    if (!loaded) co_return loaded.error();
    std::erase_if(loaded->day.reservations,
                  [now](const auto& held) { return held.second.expires_at <= now; });
    if (auto changed = change(loaded->day); !changed) co_return changed.error();
    write_condition condition;
    condition.if_match = loaded->etag;
    condition.if_absent = !loaded->etag;
    auto written = co_await store_.put_if(blob_name(day), ledger_day_to_json(loaded->day),
                                          "application/json", {}, condition);
    if (written) co_return std::move(loaded->day);
    if (written.error().kind != error_kind::precondition_failed) co_return written.error();
    boost::asio::steady_timer timer(executor, backoff(attempt));
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
  co_return make_error(error_kind::storage_unavailable,
                       "The spending ledger is too busy right now; try again in a moment.");
}

boost::asio::awaitable<outcome<reservation>> spend_ledger::reserve(std::string_view client,
                                                                   int images,
                                                                   double worst_case_usd,
                                                                   util::sys_time now) {
  reservation held{util::hex_encode(util::random_bytes(8)), day_of(now), client_key(client)};
  const auto resets_at = next_reset(now);
  auto refusal = [&](error_kind kind, std::string message) {
    auto error = make_error(kind, std::move(message));
    error.retry_after_seconds = seconds_until(resets_at, now);
    return error;
  };
  auto updated = co_await update(held.day, now, [&](ledger_day& day) -> outcome<void> {
    const int used =
        day.client_images[held.client_key] + day.client_reserved_images(held.client_key);
    if (settings_.client_daily_images > 0 && used + images > settings_.client_daily_images) {
      const int left = std::max(0, settings_.client_daily_images - used);
      return refusal(error_kind::daily_quota_exhausted,
                     "You can make " + std::to_string(left) + " more image(s) today (" +
                         std::to_string(settings_.client_daily_images) +
                         " a day); the count starts again at " + format_reset(resets_at) + ".");
    }
    if (settings_.daily_budget_usd > 0 &&
        day.spent_usd + day.reserved_usd() + worst_case_usd > settings_.daily_budget_usd) {
      return refusal(error_kind::budget_exhausted,
                     "Today's image budget on this server is used up; generating starts again at " +
                         format_reset(resets_at) + ".");
    }
    day.reservations[held.id] = reserved_amount{worst_case_usd, images, held.client_key,
                                                now + settings_.reservation_lifetime};
    return {};
  });
  if (!updated) co_return updated.error();
  co_return held;
}

boost::asio::awaitable<std::optional<ledger_day>> spend_ledger::settle(const reservation& held,
                                                                       settlement used,
                                                                       util::sys_time now) {
  auto updated = co_await update(held.day, now, [&](ledger_day& day) -> outcome<void> {
    day.reservations.erase(held.id);
    day.spent_usd += used.spent_usd;
    day.images += used.images;
    if (used.images > 0) day.client_images[held.client_key] += used.images;
    auto& model = day.models[used.model.empty() ? "unknown" : used.model];
    model.spent_usd += used.spent_usd;
    model.images += used.images;
    if (used.failed) {
      ++day.failures;
      ++model.failures;
    }
    return {};
  });
  if (!updated) {
    spdlog::error("could not settle reservation {} (${:.4f}, {} image(s)): {}", held.id,
                  used.spent_usd, used.images, updated.error().message);
    co_return std::nullopt;
  }
  co_return std::move(*updated);
}

boost::asio::awaitable<outcome<quota_snapshot>> spend_ledger::snapshot(std::string_view client,
                                                                       util::sys_time now) {
  auto loaded = co_await load(day_of(now));
  if (!loaded) co_return loaded.error();
  auto& day = loaded->day;
  std::erase_if(day.reservations,
                [now](const auto& held) { return held.second.expires_at <= now; });
  const auto key = client_key(client);
  quota_snapshot snapshot;
  snapshot.resets_at = next_reset(now);
  snapshot.images_left_today =
      settings_.client_daily_images > 0
          ? std::max(0, settings_.client_daily_images - day.client_images[key] -
                            day.client_reserved_images(key))
          : -1;
  snapshot.limit_usd = settings_.daily_budget_usd;
  snapshot.spent_usd = day.spent_usd;
  snapshot.reserved_usd = day.reserved_usd();
  co_return snapshot;
}

boost::asio::awaitable<outcome<std::vector<ledger_day>>> spend_ledger::history(util::sys_time from,
                                                                               util::sys_time to) {
  std::vector<ledger_day> days;
  for (auto at = from; at <= to; at += std::chrono::days(1)) {
    auto loaded = co_await load(day_of(at));
    if (!loaded) co_return loaded.error();
    if (loaded->etag) days.push_back(std::move(loaded->day));
  }
  co_return days;
}

}  // namespace visionary::core
