#include "api/api_routes.hpp"

#include "api/image_json.hpp"
#include "core/suggestions.hpp"
#include "core/validation.hpp"
#include "storage/sas.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

#include <boost/json.hpp>

namespace visionary::api {

namespace json = boost::json;
using verb = boost::beast::http::verb;
using core::error_kind;
using core::make_error;
using http::handler_result;
using http::request_context;
namespace bhttp = boost::beast::http;

namespace {

bool is_json_content_type(std::string_view value) {
  const auto semicolon = value.find(';');
  return util::iequals_ascii(util::trim(value.substr(0, semicolon)), "application/json");
}

core::outcome<core::generation_input> parse_generation_body(const http::request& message) {
  const auto content_type = message[bhttp::field::content_type];
  if (!is_json_content_type(content_type)) {
    return make_error(error_kind::unsupported_media_type,
                      "Send the request as JSON with the header Content-Type: application/json.");
  }
  boost::system::error_code ec;
  const json::value body = json::parse(message.body(), ec);
  if (ec) return make_error(error_kind::invalid_request, "The request body is not valid JSON.");
  if (!body.is_object()) {
    return make_error(error_kind::invalid_request, "The request body must be a JSON object such as {\"prompt\": \"...\"}.");
  }
  core::generation_input input;
  for (const auto& [key, value] : body.as_object()) {
    auto text_field = [&](std::optional<std::string>& target) -> core::outcome<void> {
      if (value.is_null()) return {};
      if (!value.is_string()) {
        return make_error(error_kind::invalid_request, "The field '" + std::string(key) + "' must be a string.");
      }
      target = std::string(value.as_string());
      return {};
    };
    core::outcome<void> field_ok;
    if (key == "prompt") {
      if (!value.is_string()) return make_error(error_kind::invalid_request, "The field 'prompt' must be a string.");
      input.prompt = std::string(value.as_string());
    } else if (key == "size") {
      field_ok = text_field(input.size);
    } else if (key == "quality") {
      field_ok = text_field(input.quality);
    } else if (key == "style") {
      field_ok = text_field(input.style);
    } else if (key == "n") {
      if (value.is_int64()) {
        input.n = value.as_int64();
      } else if (value.is_uint64()) {
        input.n = std::int64_t(std::min<std::uint64_t>(value.as_uint64(), 1u << 30));
      } else if (!value.is_null()) {
        return make_error(error_kind::invalid_request, "The field 'n' must be a whole number.");
      }
    } else {
      return make_error(error_kind::invalid_request,
                        "Unknown field '" + std::string(key) + "'. Accepted fields: prompt, size, quality, style, n.");
    }
    if (!field_ok) return field_ok.error();
  }
  return input;
}

json::value option_json(const core::option_values& option) {
  json::array values;
  for (const auto& v : option.values) values.emplace_back(v);
  return json::object{{"values", std::move(values)}, {"default", option.default_value}};
}

}  // namespace

void add_api_routes(http::router& routes, const api_services& services) {
  routes.add(verb::post, "/api/generateImage", [&services](request_context& ctx) -> boost::asio::awaitable<handler_result> {
    auto input = parse_generation_body(ctx.message);
    if (!input) co_return input.error();
    auto request = core::validate_generation(*input, services.provider.capabilities(), services.max_prompt_chars);
    if (!request) co_return request.error();
    request->request_id = ctx.request_id;
    auto images = co_await services.generation.generate(std::move(*request));
    if (!images) co_return images.error();
    json::array list;
    for (const auto& image : *images) list.push_back(image_to_json(image));
    co_return http::json_response(bhttp::status::created, json::object{{"images", std::move(list)}});
  });

  routes.add(verb::get, "/api/getImages", [&services](request_context& ctx) -> boost::asio::awaitable<handler_result> {
    const auto limit_text = ctx.query_value("limit");
    auto limit = core::parse_page_limit(limit_text ? std::optional<std::string_view>(*limit_text) : std::nullopt);
    if (!limit) co_return limit.error();
    auto page = co_await services.gallery.list(*limit, ctx.query_value("cursor"));
    if (!page) co_return page.error();
    json::array list;
    for (const auto& image : page->images) list.push_back(image_to_json(image));
    co_return http::json_response(
        bhttp::status::ok,
        json::object{{"imageUrls", std::move(list)},
                     {"nextCursor", page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr)}});
  });

  routes.add(verb::get, "/api/images/{id}", [&services](request_context& ctx) -> boost::asio::awaitable<handler_result> {
    auto image = co_await services.gallery.find(ctx.path_params.at(0));
    if (!image) co_return image.error();
    co_return http::json_response(bhttp::status::ok, image_to_json(*image));
  });

  routes.add(verb::delete_, "/api/images/{id}", [&services](request_context& ctx) -> boost::asio::awaitable<handler_result> {
    if (services.admin_token.empty()) {
      co_return make_error(error_kind::forbidden,
                           "Deleting images is disabled on this server (no VISIONARY_ADMIN_TOKEN is configured).");
    }
    const auto authorization = ctx.message[bhttp::field::authorization];
    if (authorization.empty()) {
      co_return make_error(error_kind::unauthorized, "Deleting images needs Authorization: Bearer <admin token>.");
    }
    if (!util::constant_time_equal(authorization, "Bearer " + services.admin_token)) {
      co_return make_error(error_kind::unauthorized, "The admin token is not valid.");
    }
    auto removed = co_await services.gallery.remove(ctx.path_params.at(0));
    if (!removed) co_return removed.error();
    http::response res{bhttp::status::no_content, 11};
    res.set(bhttp::field::cache_control, "no-store");
    co_return res;
  });

  routes.add(verb::get, "/api/config", [&services](request_context&) -> boost::asio::awaitable<handler_result> {
    const auto& provider = services.provider;
    const auto& caps = provider.capabilities();
    json::object options{{"size", option_json(caps.size)},
                         {"n", json::object{{"min", 1}, {"max", caps.max_n}, {"default", 1}}}};
    if (caps.quality) options["quality"] = option_json(*caps.quality);
    if (caps.style) options["style"] = option_json(*caps.style);
    json::object body{
        {"provider", provider.name()},
        {"model", provider.model()},
        {"offline", provider.offline()},
        {"label", provider.offline() ? "Offline demo — procedural art, not an AI model"
                                     : std::string(provider.name()) + " · " + std::string(provider.model())},
        {"options", std::move(options)},
        {"limits", json::object{{"promptMaxChars", core::prompt_limit(caps, services.max_prompt_chars)},
                                {"pageSizeDefault", core::default_page_size},
                                {"pageSizeMax", core::max_page_size},
                                {"linkLifetimeSeconds", storage::max_link_lifetime.count() * 60},
                                {"maxBodyBytes", services.max_body_bytes}}}};
    co_return http::json_response(bhttp::status::ok, body);
  });

  routes.add(verb::get, "/api/suggestion", [](request_context&) -> boost::asio::awaitable<handler_result> {
    co_return http::json_response(bhttp::status::ok, json::object{{"suggestion", core::random_prompt_suggestion()}});
  });

  routes.add(verb::get, "/api/health", [&services](request_context&) -> boost::asio::awaitable<handler_result> {
    const auto uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                          services.started_at);
    co_return http::json_response(bhttp::status::ok, json::object{{"status", "ok"},
                                                                   {"version", VISIONARY_VERSION},
                                                                   {"provider", services.provider.name()},
                                                                   {"model", services.provider.model()},
                                                                   {"storage", services.storage_kind},
                                                                   {"uptimeSeconds", uptime.count()}});
  });
}

}  // namespace visionary::api
