#include "api/api_routes.hpp"

#include <boost/json.hpp>
#include <map>

#include "api/api_edge.hpp"
#include "api/image_json.hpp"
#include "api/job_routes.hpp"
#include "api/model_json.hpp"
#include "core/link_policy.hpp"
#include "core/naming.hpp"
#include "core/validation.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace json = boost::json;
using verb = boost::beast::http::verb;
using http::handler_result;
using http::request_context;
namespace bhttp = boost::beast::http;

namespace {

using handler_task = boost::asio::awaitable<handler_result>;

json::array images_json(const std::vector<core::image_view>& images) {
  json::array list;
  for (const auto& image : images) list.push_back(image_to_json(image));
  return list;
}

handler_task generate_image(const api_services& services, request_context& ctx) {
  auto request = read_generation_request(ctx, services.models, services.max_prompt_chars);
  if (!request) co_return request.error();
  auto idempotency_key = parse_idempotency_key(ctx.message);
  if (!idempotency_key) co_return idempotency_key.error();
  auto images =
      co_await services.jobs.generate(std::move(*request), std::move(*idempotency_key), ctx.client);
  if (!images) co_return images.error();
  co_return http::json_response(bhttp::status::created,
                                json::object{{"images", images_json(*images)}});
}

handler_task edit_image(const api_services& services, request_context& ctx) {
  auto request = co_await read_edit_request(services, ctx);
  if (!request) co_return request.error();
  auto idempotency_key = parse_idempotency_key(ctx.message);
  if (!idempotency_key) co_return idempotency_key.error();
  auto images =
      co_await services.jobs.generate(std::move(*request), std::move(*idempotency_key), ctx.client);
  if (!images) co_return images.error();
  co_return http::json_response(bhttp::status::created,
                                json::object{{"images", images_json(*images)}});
}

http::response page_response(const core::gallery_page& page) {
  const json::value next = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return http::json_response(
      bhttp::status::ok,
      json::object{{"imageUrls", images_json(page.images)}, {"nextCursor", next}});
}

// The edits made from one image, newest first, paged as the gallery is.
handler_task list_edits(const api_services& services, request_context& ctx) {
  auto query = parse_page_query(ctx);
  if (!query) co_return query.error();
  auto page = co_await services.generation.list_edits(ctx.path_params.at(0), query->limit,
                                                      std::move(query->cursor));
  if (!page) co_return page.error();
  co_return page_response(*page);
}

handler_task list_images(const api_services& services, request_context& ctx) {
  auto query = parse_page_query(ctx);
  if (!query) co_return query.error();
  auto page = co_await services.gallery.list(query->limit, std::move(query->cursor));
  if (!page) co_return page.error();
  co_return page_response(*page);
}

handler_task find_image(const api_services& services, request_context& ctx) {
  auto image = co_await services.gallery.find(ctx.path_params.at(0));
  if (!image) co_return image.error();
  co_return http::json_response(bhttp::status::ok, image_to_json(*image));
}

// Deleting needs the admin token as a bearer token; the scheme is case-insensitive (RFC 9110),
// the token is not.
// Admin actions need the admin token as a bearer token; `action` says what for ("Deleting images").
outcome<void> check_admin(const api_services& services, const http::request& message,
                          std::string_view action) {
  if (services.admin_token.empty()) {
    return make_error(error_kind::forbidden,
                      std::string(action) +
                          " is disabled on this server (no VISIONARY_ADMIN_TOKEN is configured).");
  }
  if (message[bhttp::field::authorization].empty()) {
    return make_error(error_kind::unauthorized,
                      std::string(action) + " needs Authorization: Bearer <admin token>.");
  }
  if (!http::presents_bearer_token(message, services.admin_token)) {
    return make_error(error_kind::unauthorized, "The admin token is not valid.");
  }
  return {};
}

handler_task delete_image(const api_services& services, request_context& ctx) {
  // A malformed id names nothing: 404 first, as the web tier's edge check answers too.
  const std::string& id = ctx.path_params.at(0);
  if (!core::parse_image_id(id))
    co_return make_error(error_kind::not_found, "No image has the id '" + id + "'.");
  if (auto allowed = check_admin(services, ctx.message, "Deleting images"); !allowed)
    co_return allowed.error();
  auto removed = co_await services.gallery.remove(id);
  if (!removed) co_return removed.error();
  services.feed.image_deleted(id);
  http::response res{bhttp::status::no_content, 11};
  res.set(bhttp::field::cache_control, "no-store");
  co_return res;
}

handler_task site_config(const api_services& services) {
  const auto& provider = services.provider;
  const auto& caps = services.models.default_model().capabilities;
  const std::string label =
      provider.offline() ? "Offline demo — procedural art, not an AI model"
                         : std::string(provider.name()) + " · " + std::string(provider.model());
  json::object limits{
      {"promptMaxChars", core::prompt_limit(caps, services.max_prompt_chars)},
      {"pageSizeDefault", core::default_page_size},
      {"pageSizeMax", core::max_page_size},
      {"linkLifetimeSeconds",
       std::chrono::duration_cast<std::chrono::seconds>(core::max_link_lifetime).count()},
      {"maxBodyBytes", services.max_body_bytes},
      {"maxUploadBytes", services.max_upload_bytes},
      {"maxImagePixels", services.max_image_pixels}};
  json::object jobs{{"events", services.events}, {"concurrency", services.jobs.concurrency()}};
  const auto choices = co_await services.generation.current_engine_choices();
  const auto chat_model = services.suggestions.model();
  const json::value suggestion_model =
      chat_model ? json::value(json::string(*chat_model)) : json::value(nullptr);
  co_return http::json_response(
      bhttp::status::ok,
      json::object{{"provider", provider.name()},
                   {"model", services.models.default_model().name},
                   {"offline", provider.offline()},
                   {"label", label},
                   {"options", options_json(caps, services.max_prompt_chars, choices)},
                   {"models", models_json(services.models, services.max_prompt_chars, choices)},
                   {"limits", std::move(limits)},
                   {"jobs", std::move(jobs)},
                   {"suggestionModel", suggestion_model}});
}

json::value optional_count(int value) {
  return value > 0 ? json::value(value) : json::value(nullptr);
}

// Where the asking client and the day's budget stand; the money itself only for the admin.
handler_task quota(const api_services& services, request_context& ctx) {
  const bool admin = !ctx.message[bhttp::field::authorization].empty();
  if (admin) {
    if (auto allowed = check_admin(services, ctx.message, "Seeing the budget"); !allowed)
      co_return allowed.error();
  }
  auto state = co_await services.costs.quota(ctx.client);
  if (!state) co_return state.error();
  const auto& ledger = state->ledger;
  const std::string resets_at = util::format_iso_seconds(ledger.resets_at);
  json::object client{
      {"imagesLeftToday",
       ledger.images_left_today < 0 ? json::value(nullptr) : json::value(ledger.images_left_today)},
      {"resetsAt", resets_at},
      {"inFlight", state->admission.in_flight},
      {"maxInFlight", optional_count(state->admission.max_in_flight)}};
  json::value budget = nullptr;
  if (ledger.limit_usd > 0) {
    json::object b{{"exhausted", ledger.budget_exhausted()}, {"resetsAt", resets_at}};
    if (admin) {
      b["limitUsd"] = ledger.limit_usd;
      b["spentUsd"] = ledger.spent_usd;
      b["reservedUsd"] = ledger.reserved_usd;
    }
    budget = std::move(b);
  }
  auto res = http::json_response(bhttp::status::ok,
                                 json::object{{"client", std::move(client)}, {"budget", budget}});
  res.set(bhttp::field::cache_control, "no-store");
  co_return res;
}

constexpr int default_usage_days = 30;
constexpr int max_usage_days = 90;

outcome<int> parse_usage_days(const request_context& ctx) {
  return core::parse_count(ctx.query_value("days"), default_usage_days, max_usage_days, "days");
}

json::object usage_json(int images, int failures, double spent_usd) {
  return json::object{{"images", images}, {"failures", failures}, {"spentUsd", spent_usd}};
}

// One entry per day, oldest first, zeros where nothing was generated.
json::array usage_days_json(const std::vector<core::ledger_day>& stored,
                            const core::spend_ledger& ledger, util::sys_time from, int days) {
  std::map<std::string, const core::ledger_day*> by_day;
  for (const auto& day : stored) by_day[day.day] = &day;
  json::array out;
  for (int i = 0; i < days; ++i) {
    const std::string name = ledger.day_of(from + std::chrono::days(i));
    auto entry = usage_json(0, 0, 0);
    json::object models;
    if (auto it = by_day.find(name); it != by_day.end()) {
      entry = usage_json(it->second->images, it->second->failures, it->second->spent_usd);
      for (const auto& [model, used] : it->second->models)
        models[model] = usage_json(used.images, used.failures, used.spent_usd);
    }
    entry["day"] = name;
    entry["models"] = std::move(models);
    out.push_back(std::move(entry));
  }
  return out;
}

// Spending, images and failures per day and model, for the operator.
handler_task admin_usage(const api_services& services, request_context& ctx) {
  if (auto allowed = check_admin(services, ctx.message, "The usage report"); !allowed)
    co_return allowed.error();
  auto days = parse_usage_days(ctx);
  if (!days) co_return days.error();
  auto& ledger = services.costs.ledger();
  const auto now = std::chrono::system_clock::now();
  const auto from = now - std::chrono::days(*days - 1);
  auto stored = co_await ledger.history(from, now);
  if (!stored) co_return stored.error();
  auto state = co_await services.costs.quota(ctx.client);
  if (!state) co_return state.error();
  const auto& today = state->ledger;
  json::value budget = nullptr;
  if (today.limit_usd > 0) {
    budget = json::object{{"limitUsd", today.limit_usd},
                          {"spentUsd", today.spent_usd},
                          {"reservedUsd", today.reserved_usd},
                          {"exhausted", today.budget_exhausted()},
                          {"resetsAt", util::format_iso_seconds(today.resets_at)}};
  }
  auto res = http::json_response(
      bhttp::status::ok, json::object{{"days", usage_days_json(*stored, ledger, from, *days)},
                                      {"budget", std::move(budget)}});
  res.set(bhttp::field::cache_control, "no-store");
  co_return res;
}

// A prompt idea at once: one the chat model made ahead of time, else one from the offline lists.
handler_task suggestion(const api_services& services) {
  auto next = services.suggestions.next();
  json::object body{{"suggestion", std::move(next.text)},
                    {"source", core::suggestion_source_name(next.source)}};
  if (next.source == core::suggestion_source::model) body["model"] = std::move(next.model);
  auto res = http::json_response(bhttp::status::ok, std::move(body));
  res.set(bhttp::field::cache_control, "no-store");
  co_return res;
}

handler_task health(const api_services& services) {
  const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(
      std::chrono::steady_clock::now() - services.started_at);
  co_return http::json_response(bhttp::status::ok,
                                json::object{{"status", "ok"},
                                             {"version", VISIONARY_VERSION},
                                             {"provider", services.provider.name()},
                                             {"model", services.provider.model()},
                                             {"storage", services.storage_kind},
                                             {"uptimeSeconds", uptime.count()}});
}

}  // namespace

boost::asio::awaitable<http::http_outcome<core::generation_request>> read_edit_request(
    const api_services& services, http::request_context& ctx) {
  auto form = parse_edit_form(ctx.message, services.max_upload_bytes);
  if (!form) co_return form.error();
  auto request = co_await services.generation.prepare_edit(std::move(*form), services.models,
                                                           services.max_prompt_chars);
  if (!request) co_return http::http_error(request.error());
  request->request_id = ctx.request_id;
  co_return std::move(*request);
}

void add_api_routes(http::router& routes, const api_services& services) {
  const auto with_services = [&services](auto handler) {
    return [&services, handler](request_context& ctx) { return handler(services, ctx); };
  };
  routes.add(verb::post, "/api/generateImage", with_services(generate_image));
  routes.add(verb::post, "/api/editImage", with_services(edit_image));
  routes.add(verb::get, "/api/getImages", with_services(list_images));
  routes.add(verb::get, "/api/images/{id}", with_services(find_image));
  routes.add(verb::get, "/api/images/{id}/edits", with_services(list_edits));
  routes.add(verb::delete_, "/api/images/{id}", with_services(delete_image));
  routes.add(verb::get, "/api/config",
             [&services](request_context&) { return site_config(services); });
  routes.add(verb::get, "/api/suggestion",
             [&services](request_context&) { return suggestion(services); });
  routes.add(verb::get, "/api/health", [&services](request_context&) { return health(services); });
  routes.add(verb::get, "/api/quota", with_services(quota));
  routes.add(verb::get, "/api/admin/usage", with_services(admin_usage));
  add_job_routes(routes, services);
}

}  // namespace visionary::api
