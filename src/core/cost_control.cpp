#include "core/cost_control.hpp"

namespace visionary::core {

cost_control::cost_control(admission_control& admission, spend_ledger& ledger, price_plan plan,
                           std::string provider, std::string model, generation_metrics& metrics)
    : admission_(admission),
      ledger_(ledger),
      plan_(std::move(plan)),
      provider_(std::move(provider)),
      model_(std::move(model)),
      metrics_(metrics) {}

void cost_control::count_refusal(const app_error& error, const std::string& model) {
  metrics_.refusals.with({error_code(error.kind)}).inc();
  metrics_.generations.with({provider_, model, "refused"}).inc();
}

const std::string& cost_control::model_of(const generation_request& request) const {
  return request.model.empty() ? model_ : request.model;
}

const price_plan& cost_control::plan_for_model(std::string_view model) const {
  const auto it = model_plans_.find(model);
  return it == model_plans_.end() ? plan_ : it->second;
}

boost::asio::awaitable<outcome<spend_permit>> cost_control::admit(const generation_request& request,
                                                                  std::string_view client) {
  auto ticket = admission_.admit(client, admission_control::clock::now());
  if (!ticket) {
    count_refusal(ticket.error(), model_of(request));
    co_return ticket.error();
  }
  const auto& plan = plan_for_model(model_of(request));
  const double worst_case =
      worst_case_per_image(plan, request) * request.n + worst_case_edit_input(plan, request);
  auto held =
      co_await ledger_.reserve(client, request.n, worst_case, std::chrono::system_clock::now());
  if (!held) {
    count_refusal(held.error(), model_of(request));
    co_return held.error();  // the ticket is released on the way out
  }
  metrics_.in_flight.add(1);
  co_return spend_permit{std::move(*ticket), std::move(*held), std::string(client),
                         model_of(request)};
}

double cost_control::cost_of(const generation_request& request, std::size_t images,
                             const std::optional<token_usage>& usage) const {
  return core::cost_of(plan_for_model(model_of(request)), request, images, usage);
}

boost::asio::awaitable<void> cost_control::settle(spend_permit permit, double spent_usd, int images,
                                                  bool failed) {
  // The in-flight place is free as soon as the work is done, not after the ledger write.
  permit.ticket = admission_ticket();
  metrics_.in_flight.add(-1);
  metrics_.spend_usd.inc(spent_usd);
  const std::string& model = permit.model.empty() ? model_ : permit.model;
  if (images > 0) metrics_.images.with({provider_, model}).inc(images);
  metrics_.generations.with({provider_, model, failed ? "failed" : "succeeded"}).inc();
  // A named value, not a temporary: g++ 12 destroys aggregate temporaries in co_await twice.
  settlement used{spent_usd, images, failed, model};
  const auto day =
      co_await ledger_.settle(permit.held, std::move(used), std::chrono::system_clock::now());
  const double limit = ledger_.settings().daily_budget_usd;
  if (day && limit > 0) {
    metrics_.budget_remaining_usd.set(std::max(0.0, limit - day->spent_usd - day->reserved_usd()));
  }
}

boost::asio::awaitable<outcome<client_quota>> cost_control::quota(std::string_view client) {
  auto snapshot = co_await ledger_.snapshot(client, std::chrono::system_clock::now());
  if (!snapshot) co_return snapshot.error();
  co_return client_quota{*snapshot, admission_.state(client)};
}

cost_limits unlimited_limits() {
  cost_limits limits;
  limits.admission = admission_settings{1e9, 1e9, 0, 0};
  limits.ledger.daily_budget_usd = 0;
  limits.ledger.client_daily_images = 0;
  return limits;
}

}  // namespace visionary::core
