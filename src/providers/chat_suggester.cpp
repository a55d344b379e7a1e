#include "providers/chat_suggester.hpp"

#include <spdlog/spdlog.h>

#include "providers/transport_errors.hpp"
#include "util/redact.hpp"

namespace visionary::providers {

chat_suggester::chat_suggester(chat_suggester_settings settings, net::http_client& client)
    : settings_(std::move(settings)),
      endpoint_(chat_completions_url(settings_.flavor, settings_.base_url)),
      client_(client) {}

net::http_request chat_suggester::chat_call(const core::suggestion_request& request,
                                            util::abort_signal& abort) const {
  net::http_request http;
  http.method = "POST";
  http.url = endpoint_;
  http.body = build_suggestion_body(settings_.model, request.theme, settings_.flavor);
  http.timeout = settings_.timeout;
  http.max_response_bytes = max_chat_answer_bytes;
  http.abort = &abort;
  http.headers = {{"Content-Type", "application/json"},
                  {"Accept", "application/json"},
                  {"X-Request-Id", request.request_id}};
  if (settings_.auth == chat_auth::bearer) {
    http.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
  } else if (settings_.auth == chat_auth::api_key) {
    http.headers.emplace_back("api-key", settings_.api_key);
  }
  return http;
}

app_error chat_suggester::transport_failed(const core::suggestion_request& request,
                                           const net::transport_error& failure) const {
  auto error = provider_error_from(failure, {"The suggestion model did not answer in time.",
                                             "The suggestion model's answer was too large.",
                                             "The suggestion model could not be reached."});
  if (error.kind != error_kind::cancelled) {
    spdlog::warn("[{}] suggestion call to {} failed: {}", request.request_id,
                 util::redact_url(endpoint_), loggable(failure.message, settings_.api_key));
  }
  return error;
}

app_error chat_suggester::answer_failed(const core::suggestion_request& request,
                                        const net::http_response& response) const {
  auto failure =
      classify_chat_error(response.status, response.body, response.header("retry-after-ms"),
                          response.header("retry-after"), std::chrono::system_clock::now());
  spdlog::warn("[{}] suggestion model {} answered {}", request.request_id, settings_.model,
               loggable(failure.detail, settings_.api_key));
  return failure.error;
}

boost::asio::awaitable<outcome<std::string>> chat_suggester::suggest(
    const core::suggestion_request& request, util::abort_signal& abort) {
  auto call = chat_call(request, abort);
  auto response = co_await client_.send(std::move(call));
  if (!response) co_return transport_failed(request, response.error());
  if (response->status < 200 || response->status >= 300) {
    co_return answer_failed(request, *response);
  }
  auto text = parse_chat_answer(response->body);
  if (!text) {
    spdlog::warn("[{}] suggestion model {}: {} ({})", request.request_id, settings_.model,
                 text.error().message, loggable(response->body, settings_.api_key));
    co_return text.error();
  }
  spdlog::debug("[{}] suggestion model {} answered", request.request_id, settings_.model);
  co_return std::move(*text);
}

}  // namespace visionary::providers
