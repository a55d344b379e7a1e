#include "core/cost_control.hpp"

namespace visionary::core {

cost_control::cost_control(admission_control& admission, spend_ledger& ledger, price_plan plan,
                           std::string model)
    : admission_(admission), ledger_(ledger), plan_(std::move(plan)), model_(std::move(model)) {}

boost::asio::awaitable<outcome<spend_permit>> cost_control::admit(const generation_request& request,
                                                                  std::string_view client) {
  auto ticket = admission_.admit(client, admission_control::clock::now());
  if (!ticket) co_return ticket.error();
  const double worst_case = worst_case_per_image(plan_, request) * request.n;
  auto held =
      co_await ledger_.reserve(client, request.n, worst_case, std::chrono::system_clock::now());
  if (!held) co_return held.error();  // the ticket is released on the way out
  co_return spend_permit{std::move(*ticket), std::move(*held), std::string(client)};
}

double cost_control::cost_of(const generation_request& request, std::size_t images,
                             const std::optional<token_usage>& usage) const {
  return core::cost_of(plan_, request, images, usage);
}

boost::asio::awaitable<void> cost_control::settle(spend_permit permit, double spent_usd, int images,
                                                  bool failed) {
  // The in-flight place is free as soon as the work is done, not after the ledger write.
  permit.ticket = admission_ticket();
  // A named value, not a temporary: g++ 12 destroys aggregate temporaries in co_await twice.
  settlement used{spent_usd, images, failed, model_};
  co_await ledger_.settle(permit.held, std::move(used), std::chrono::system_clock::now());
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
