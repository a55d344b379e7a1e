#include "core/admission.hpp"

#include <algorithm>
#include <cmath>

#include "util/text.hpp"

namespace visionary::core {

namespace {

// After a refusal for in-flight work, a client may try again this soon.
constexpr int in_flight_retry_seconds = 5;

std::optional<double> seconds_per_unit(std::string_view unit) {
  if (unit == "s" || unit == "sec" || unit == "second") return 1;
  if (unit == "m" || unit == "min" || unit == "minute") return 60;
  if (unit == "h" || unit == "hour") return 3600;
  if (unit == "d" || unit == "day") return 86'400;
  return std::nullopt;
}

}  // namespace

std::optional<admission_settings> parse_client_rate(std::string_view text,
                                                    admission_settings base) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto count = util::parse_number<int>(util::trim(text.substr(0, slash)));
  const auto unit = seconds_per_unit(util::trim(text.substr(slash + 1)));
  if (!count || !unit || *count < 1 || *count > 1'000'000) return std::nullopt;
  base.burst = *count;
  base.rate_per_second = *count / *unit;
  return base;
}

admission_ticket::admission_ticket(admission_control* owner, std::string client)
    : owner_(owner), client_(std::move(client)) {}

admission_ticket::admission_ticket(admission_ticket&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), client_(std::move(other.client_)) {}

admission_ticket& admission_ticket::operator=(admission_ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::exchange(other.owner_, nullptr);
    client_ = std::move(other.client_);
  }
  return *this;
}

admission_ticket::~admission_ticket() {
  release();
}

void admission_ticket::release() {
  if (owner_ != nullptr) std::exchange(owner_, nullptr)->release(client_);
}

void admission_control::refill(client_entry& entry, clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - entry.refilled).count();
  if (elapsed > 0) {
    entry.tokens = std::min(settings_.burst, entry.tokens + elapsed * settings_.rate_per_second);
    entry.refilled = now;
  }
}

outcome<admission_ticket> admission_control::admit(std::string_view client, clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (clients_.size() >= max_tracked_clients) forget_idle_clients(now);
  auto [it, added] = clients_.try_emplace(std::string(client));
  auto& entry = it->second;
  if (added) entry = client_entry{settings_.burst, now, 0};
  refill(entry, now);
  // A token due now counts even when the refill's floating point lands a hair below one.
  if (entry.tokens < 1 - 1e-9) {
    auto error = make_error(error_kind::rate_limited,
                            "You are generating images faster than this server allows; wait a "
                            "moment and try again.");
    error.retry_after_seconds = std::max(
        1, int(std::ceil((1 - entry.tokens) / std::max(settings_.rate_per_second, 1e-9) - 1e-6)));
    return error;
  }
  const bool client_full =
      settings_.client_max_in_flight > 0 && entry.in_flight >= settings_.client_max_in_flight;
  const bool server_full = settings_.max_in_flight > 0 && in_flight_ >= settings_.max_in_flight;
  if (client_full || server_full) {
    auto error = make_error(error_kind::too_many_in_flight,
                            client_full ? "You already have " + std::to_string(entry.in_flight) +
                                              " images being generated; wait for one to finish."
                                        : "The server is busy with other generations; try again "
                                          "in a few seconds.");
    error.retry_after_seconds = in_flight_retry_seconds;
    return error;
  }
  entry.tokens = std::max(0.0, entry.tokens - 1);
  ++entry.in_flight;
  ++in_flight_;
  return admission_ticket(this, std::string(client));
}

void admission_control::release(const std::string& client) {
  std::lock_guard lock(mutex_);
  --in_flight_;
  if (auto it = clients_.find(client); it != clients_.end()) --it->second.in_flight;
}

client_admission_state admission_control::state(std::string_view client) const {
  std::lock_guard lock(mutex_);
  auto it = clients_.find(client);
  return {it == clients_.end() ? 0 : it->second.in_flight, settings_.client_max_in_flight};
}

std::size_t admission_control::tracked_clients() const {
  std::lock_guard lock(mutex_);
  return clients_.size();
}

// Forgetting a client with nothing in flight only refills its bucket early; the oldest go first.
void admission_control::forget_idle_clients(clock::time_point now) {
  for (auto it = clients_.begin(); it != clients_.end();) {
    auto& entry = it->second;
    refill(entry, now);
    it = entry.in_flight == 0 && entry.tokens >= settings_.burst ? clients_.erase(it) : ++it;
  }
  if (clients_.size() < max_tracked_clients) return;
  auto oldest = clients_.end();
  for (auto it = clients_.begin(); it != clients_.end(); ++it) {
    if (it->second.in_flight == 0 &&
        (oldest == clients_.end() || it->second.refilled < oldest->second.refilled)) {
      oldest = it;
    }
  }
  if (oldest != clients_.end()) clients_.erase(oldest);
}

}  // namespace visionary::core
