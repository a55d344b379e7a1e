#include "api/forwarding_routes.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/json.hpp>
#include <memory>

#include "api/api_edge.hpp"
#include "api/blob_routes.hpp"
#include "api/gateway_routes.hpp"
#include "core/naming.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace bhttp = boost::beast::http;
using verb = bhttp::verb;

namespace {

constexpr std::array<std::string_view, 7> forwarded_request_headers = {
    "Content-Type",  "Accept",          "Authorization", "Range",
    "If-None-Match", "Idempotency-Key", "Last-Event-ID"};
constexpr std::array<std::string_view, 13> forwarded_response_headers = {
    "Content-Type",  "Cache-Control", "ETag",
    "Last-Modified", "Accept-Ranges", "Content-Range",
    "Retry-After",   "Allow",         "Cross-Origin-Resource-Policy",
    "Vary",          "Location",      "X-Accel-Buffering",
    "x-should-retry"};  // OpenAI's SDKs obey it
// An event stream is relayed for at most this long; the browser then reconnects (EventSource
// does so by itself, with Last-Event-ID).
constexpr std::chrono::hours event_stream_limit{1};

// The backend's own error code when it refuses our function key.
bool is_functions_key_rejection(const net::http_response& response) {
  if (response.status != 401) return false;
  boost::system::error_code ec;
  const auto body = boost::json::parse(response.body, ec);
  if (ec || !body.is_object()) return true;  // the Functions host answers 401 without our JSON
  const auto* error = body.as_object().if_contains("error");
  const auto* code = error && error->is_object() ? error->as_object().if_contains("code") : nullptr;
  return !(code && code->is_string() && code->as_string() != "invalid_function_key");
}

// What the web tier checks of a generation before passing it on: the body's shape and the widest
// prompt any model accepts (the model's own limit is checked by the backend).
http::http_outcome<void> check_generation_edge(const http::request_context& ctx) {
  auto input = parse_generation_body(ctx.message);
  if (!input) return input.error();
  if (!input->prompt)
    return http::http_error(
        make_error(error_kind::invalid_request, "The field 'prompt' is required."));
  if (auto prompt = core::validate_prompt(*input->prompt, 32000); !prompt)
    return http::http_error(prompt.error());
  return {};
}

// An edit's form checked as the backend reads it (parts, caps, file types, the image field); the
// images themselves are checked by the backend.
http::http_outcome<void> check_edit_edge(const http::request_context& ctx,
                                         std::size_t max_upload_bytes) {
  auto form = parse_edit_form(ctx.message, max_upload_bytes);
  if (!form) return form.error();
  if (!form->fields.prompt)
    return http::http_error(
        make_error(error_kind::invalid_request, "The field 'prompt' is required."));
  return {};
}

// POST /api/jobs: an edit (multipart) or a generation (JSON, within the ordinary body limit).
http::http_outcome<void> check_job_edge(const http::request_context& ctx,
                                        const backend_settings& settings) {
  if (is_multipart(ctx.message)) return check_edit_edge(ctx, settings.max_upload_bytes);
  if (ctx.message.body().size() > settings.max_body_bytes)
    return http::http_error(
        http::http_error_kind::payload_too_large,
        "The request body is larger than " + std::to_string(settings.max_body_bytes) + " bytes.");
  return check_generation_edge(ctx);
}

class forwarder {
 public:
  forwarder(net::http_client& client, backend_settings settings)
      : client_(client), settings_(std::move(settings)) {
    settings_.base_url = util::without_trailing_slashes(settings_.base_url);
  }

  // Image bytes are passed on as they arrive instead of being held: the answer becomes a streamer
  // that the connection runs once the handler has returned.
  http::handler_result relay(http::request_context& ctx, std::string target,
                             std::optional<std::chrono::milliseconds> timeout = {}) const {
    auto outgoing = outgoing_request(ctx, target);
    if (timeout) outgoing.timeout = *timeout;
    http::body_streamer streamer =
        [this, outgoing = std::move(outgoing), request_id = ctx.request_id](
            http::body_writer& writer) mutable -> boost::asio::awaitable<http::http_outcome<void>> {
      bool header_written = false;
      outgoing.on_header = [&](const net::http_response& head) -> boost::asio::awaitable<bool> {
        http::response res{static_cast<bhttp::status>(head.status), 11};
        copy_response_headers(head, res);
        if (auto length = head.header("Content-Length"))
          res.set(bhttp::field::content_length, *length);
        header_written = true;
        co_return co_await writer.write_header(res);
      };
      outgoing.on_body = [&](std::string_view piece) -> boost::asio::awaitable<bool> {
        co_return co_await writer.write_body(piece);
      };
      auto answer = co_await client_.send(std::move(outgoing));
      if (!answer) {
        spdlog::warn("[{}] backend relay failed: {}", request_id, answer.error().message);
        if (header_written)
          co_return http::http_error(http::http_error_kind::backend_unavailable,
                                     "relay interrupted");
        co_return unreachable_backend(answer.error());
      }
      co_return http::http_outcome<void>{};
    };
    return http::reply(std::move(streamer));
  }

  boost::asio::awaitable<http::handler_result> forward(http::request_context& ctx) const {
    net::http_request outgoing = outgoing_request(ctx, ctx.message.target());
    auto answer = co_await client_.send(std::move(outgoing));
    if (!answer) {
      // The log may name the failure; the response never names the backend.
      spdlog::warn("[{}] backend call failed: {}", ctx.request_id, answer.error().message);
      co_return unreachable_backend(answer.error());
    }
    if (is_functions_key_rejection(*answer)) {
      spdlog::error(
          "[{}] the backend rejected this server's function key [check "
          "VISIONARY_FUNCTIONS_KEY]",
          ctx.request_id);
      co_return http::http_error(
          http::http_error_kind::backend_unavailable,
          "The image service refused this site's credentials; please tell the site's operator.");
    }
    http::response res{static_cast<bhttp::status>(answer->status), 11};
    copy_response_headers(*answer, res);
    res.body() = std::move(answer->body);
    // For HEAD the backend sent only headers: keep its Content-Length.
    if (ctx.message.method() == verb::head) {
      res.set(bhttp::field::content_length,
              std::string(answer->header("Content-Length").value_or("0")));
    } else {
      res.prepare_payload();
    }
    co_return res;
  }

 private:
  static void copy_response_headers(const net::http_response& from, http::response& to) {
    for (const auto name : forwarded_response_headers) {
      if (auto value = from.header(name)) to.set(name, *value);
    }
  }

  static http::http_error unreachable_backend(const net::transport_error& failure) {
    if (failure.kind == net::transport_failure::timeout) {
      return http::http_error(http::http_error_kind::backend_timeout,
                              "The image service did not answer in time; try again.");
    }
    return http::http_error(
        http::http_error_kind::backend_unavailable,
        "The image service cannot be reached right now; try again in a moment.");
  }

  // target: the path and query to ask for (API routes match literally, so theirs is passed on).
  net::http_request outgoing_request(const http::request_context& ctx,
                                     std::string_view target) const {
    net::http_request outgoing;
    outgoing.method = std::string(ctx.message.method_string());
    outgoing.url = settings_.base_url + std::string(target);
    outgoing.timeout = settings_.timeout;
    outgoing.body = ctx.message.body();
    for (const auto name : forwarded_request_headers) {
      if (auto it = ctx.message.find(name); it != ctx.message.end()) {
        outgoing.headers.emplace_back(std::string(name), std::string(it->value()));
      }
    }
    outgoing.headers.emplace_back("X-Request-Id", ctx.request_id);
    // The browser's address, as this tier resolved it: the backend's limits count per client.
    outgoing.headers.emplace_back("X-Forwarded-For", ctx.client);
    // The origin the caller reached: where links handed out as absolute URLs must point.
    if (auto origin = request_origin(ctx)) {
      const auto colon = origin->find("://");
      outgoing.headers.emplace_back("X-Forwarded-Proto", origin->substr(0, colon));
      outgoing.headers.emplace_back("X-Forwarded-Host", origin->substr(colon + 3));
    }
    if (!settings_.functions_key.empty())
      outgoing.headers.emplace_back("x-functions-key", settings_.functions_key);
    return outgoing;
  }

  net::http_client& client_;
  backend_settings settings_;
};

// The OpenAI-compatible API: the backend checks the key; answers (event streams included) pass
// through as they come, and this tier's own failures answer in OpenAI's shape.
void add_gateway_forwarding(http::router& routes, const std::shared_ptr<const forwarder>& backend) {
  api::use_openai_errors(routes);
  auto relayed =
      [backend](http::request_context& ctx) -> boost::asio::awaitable<http::handler_result> {
    co_return backend->relay(ctx, std::string(ctx.message.target()));
  };
  auto pass = [backend](http::request_context& ctx) { return backend->forward(ctx); };
  routes.add(verb::post, "/v1/images/generations", relayed);
  // Edits (multipart, within the upload limit the server allows this path) are checked by the
  // backend, which knows the key.
  routes.add(verb::post, "/v1/images/edits", relayed);
  routes.add(verb::get, "/v1/models", pass);
  routes.add(verb::get, "/v1/models/{id}", pass);
}

}  // namespace

namespace {

using forwarder_ptr = std::shared_ptr<const forwarder>;
using forward_task = boost::asio::awaitable<http::handler_result>;

// An {id} that cannot be an image's is not found here, without asking the backend.
outcome<void> check_image_id(const http::request_context& ctx) {
  const std::string& id = ctx.path_params.at(0);
  if (!core::parse_image_id(id))
    return make_error(error_kind::not_found, "No image has the id '" + id + "'.");
  return {};
}

// Generations, edits and the gallery: each checked at the edge as the backend would.
void add_image_forwarding(http::router& routes, const forwarder_ptr& backend,
                          const backend_settings& limits) {
  routes.add(verb::post, "/api/generateImage",
             [backend](http::request_context& ctx) -> forward_task {
               if (auto checked = check_generation_edge(ctx); !checked) co_return checked.error();
               if (auto key = parse_idempotency_key(ctx.message); !key) co_return key.error();
               co_return co_await backend->forward(ctx);
             });
  routes.add(verb::post, "/api/editImage",
             [backend, limits](http::request_context& ctx) -> forward_task {
               if (auto checked = check_edit_edge(ctx, limits.max_upload_bytes); !checked)
                 co_return checked.error();
               if (auto key = parse_idempotency_key(ctx.message); !key) co_return key.error();
               co_return co_await backend->forward(ctx);
             });
  routes.add(verb::get, "/api/getImages", [backend](http::request_context& ctx) -> forward_task {
    if (auto query = parse_page_query(ctx); !query) co_return query.error();
    co_return co_await backend->forward(ctx);
  });
  auto by_id = [backend](http::request_context& ctx) -> forward_task {
    if (auto id = check_image_id(ctx); !id) co_return id.error();
    co_return co_await backend->forward(ctx);
  };
  routes.add(verb::get, "/api/images/{id}", by_id);
  routes.add(verb::delete_, "/api/images/{id}", by_id);
  routes.add(verb::get, "/api/images/{id}/edits",
             [backend](http::request_context& ctx) -> forward_task {
               if (auto id = check_image_id(ctx); !id) co_return id.error();
               if (auto query = parse_page_query(ctx); !query) co_return query.error();
               co_return co_await backend->forward(ctx);
             });
}

// Jobs take the same edge checks as a generation; their event streams, like the gallery's, pass
// through piece by piece, never held.
void add_job_forwarding(http::router& routes, const forwarder_ptr& backend,
                        const backend_settings& limits) {
  auto pass = [backend](http::request_context& ctx) { return backend->forward(ctx); };
  routes.add(verb::post, "/api/jobs",
             [backend, limits](http::request_context& ctx) -> forward_task {
               if (auto checked = check_job_edge(ctx, limits); !checked) co_return checked.error();
               co_return co_await backend->forward(ctx);
             });
  routes.add(verb::get, "/api/jobs/{id}", pass);
  routes.add(verb::delete_, "/api/jobs/{id}", pass);
  auto events = [backend](http::request_context& ctx) -> forward_task {
    co_return backend->relay(ctx, std::string(ctx.message.target()),
                             std::chrono::milliseconds(event_stream_limit));
  };
  routes.add(verb::get, "/api/jobs/{id}/events", events);
  routes.add(verb::get, "/api/events", events);
}

}  // namespace

void add_forwarding_routes(http::router& routes, net::http_client& client,
                           backend_settings settings) {
  const auto limits = settings;
  auto backend = std::make_shared<const forwarder>(client, std::move(settings));
  auto pass = [backend](http::request_context& ctx) { return backend->forward(ctx); };
  add_image_forwarding(routes, backend, limits);
  add_job_forwarding(routes, backend, limits);
  routes.add(verb::get, "/api/config", pass);
  routes.add(verb::get, "/api/quota", pass);
  routes.add(verb::get, "/api/admin/usage", pass);
  routes.add(verb::get, "/api/suggestion", pass);
  routes.add(verb::get, "/api/health", pass);
  add_gateway_forwarding(routes, backend);
  routes.add(verb::get, "/blobs/*", [backend](http::request_context& ctx) -> forward_task {
    auto path = split_blob_path(ctx.path_rest);
    if (!path) co_return path.error();
    co_return backend->relay(ctx, blob_link_target(path->first, path->second, ctx.query()));
  });
}

}  // namespace visionary::api
