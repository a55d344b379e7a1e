// cost_control: what stands between a request and the provider's bill. Admission (rate and
// in-flight caps, per replica), then a reservation of the request's worst case in the shared
// ledger (daily images per client, the day's budget), settled at what was really billed.
// Thread-safe: its parts are.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <map>
#include <optional>
#include <string>

#include "core/admission.hpp"
#include "core/generation_metrics.hpp"
#include "core/pricing.hpp"
#include "core/spend_ledger.hpp"

namespace visionary::core {

// Held by a running generation: its in-flight place and its reservation.
struct spend_permit {
  admission_ticket ticket;
  reservation held;
  std::string client;
  std::string model;  // what the generation asked for: its metrics and ledger entry
};

struct client_quota {
  quota_snapshot ledger;
  client_admission_state admission;
};

class cost_control {
 public:
  cost_control(admission_control& admission, spend_ledger& ledger, price_plan plan,
               std::string provider, std::string model, generation_metrics& metrics);

  // Refuses with rate_limited, too_many_in_flight, daily_quota_exhausted or budget_exhausted
  // (each with retry_after_seconds) before anything is spent.
  [[nodiscard]] boost::asio::awaitable<outcome<spend_permit>> admit(
      const generation_request& request, std::string_view client);
  // What an answer cost, in USD.
  [[nodiscard]] double cost_of(const generation_request& request, std::size_t images,
                               const std::optional<token_usage>& usage) const;
  // Replaces the reservation by what was spent and releases the in-flight place.
  boost::asio::awaitable<void> settle(spend_permit permit, double spent_usd, int images,
                                      bool failed);
  [[nodiscard]] boost::asio::awaitable<outcome<client_quota>> quota(std::string_view client);

  // Prices of the menu's other models (the constructor's plan prices the configured one). Called
  // once while the server is assembled, before any request.
  void set_model_plans(std::map<std::string, price_plan, std::less<>> plans) {
    model_plans_ = std::move(plans);
  }

  [[nodiscard]] spend_ledger& ledger() { return ledger_; }
  [[nodiscard]] const price_plan& plan() const { return plan_; }

 private:
  void count_refusal(const app_error& error, const std::string& model);
  [[nodiscard]] const price_plan& plan_for_model(std::string_view model) const;
  [[nodiscard]] const std::string& model_of(const generation_request& request) const;

  admission_control& admission_;
  spend_ledger& ledger_;
  price_plan plan_;
  std::map<std::string, price_plan, std::less<>> model_plans_;
  std::string provider_;
  std::string model_;
  generation_metrics& metrics_;
};

struct cost_limits {
  admission_settings admission;
  ledger_settings ledger;
};

// Limits that never refuse (the ledger still records), for tools and tests not about limits.
[[nodiscard]] cost_limits unlimited_limits();

// Cost control and the parts it uses, owned together (composition root, tests, benchmarks). Its
// series go to `registry`, or to a registry of its own when none is given.
class owned_cost_control {
 public:
  owned_cost_control(blob_store& store, cost_limits limits, price_plan plan, std::string provider,
                     std::string model, util::metrics_registry* registry = nullptr)
      : metrics_(registry != nullptr ? *registry : own_registry_),
        admission_(limits.admission),
        ledger_(store, limits.ledger),
        control_(admission_, ledger_, std::move(plan), std::move(provider), std::move(model),
                 metrics_) {}
  [[nodiscard]] cost_control& get() { return control_; }
  [[nodiscard]] generation_metrics& metrics() { return metrics_; }

 private:
  util::metrics_registry own_registry_;
  generation_metrics metrics_;
  admission_control admission_;
  spend_ledger ledger_;
  cost_control control_;
};

}  // namespace visionary::core
