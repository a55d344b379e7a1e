#include "providers/openai_provider.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <random>

#include "net/address_scope.hpp"
#include "providers/answer_limits.hpp"
#include "providers/transport_errors.hpp"
#include "util/base64.hpp"
#include "util/redact.hpp"
#include "util/text.hpp"

namespace visionary::providers {

namespace {

double jitter01() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

std::string seconds_text(std::chrono::milliseconds d) {
  return std::to_string((d.count() + 999) / 1000);
}

// Whatever became of an image link, callers hear the same: which hosts and ports answer, and how,
// is for the log.
constexpr std::string_view unusable_link_message =
    "The provider's image link could not be used; try again, and tell the site's operator if it "
    "keeps happening.";

}  // namespace

openai_provider::openai_provider(openai_provider_settings settings, net::http_client& client)
    : settings_(std::move(settings)),
      client_(client),
      capabilities_(core::capabilities_for(provider_kind_of(settings_.flavor), settings_.model)) {
  settings_.base_url = util::without_trailing_slashes(settings_.base_url);
}

std::string openai_provider::endpoint() const {
  if (settings_.flavor == openai_flavor::azure) {
    return settings_.base_url + "/openai/deployments/" + util::percent_encode(settings_.model) +
           "/images/generations?api-version=" + util::percent_encode(settings_.azure_api_version);
  }
  return settings_.base_url + "/images/generations";
}

std::string openai_provider::label() const {
  switch (settings_.flavor) {
    case openai_flavor::openai:
      return "OpenAI";
    case openai_flavor::azure:
      return "Azure OpenAI";
    case openai_flavor::compatible:
      return "The image server";
  }
  return "The provider";
}

net::http_request openai_provider::image_request(const std::string& url, link_reach reach,
                                                 const std::string& request_id) const {
  net::http_request request;
  request.method = "GET";
  request.url = url;
  request.timeout = std::chrono::milliseconds{60'000};
  request.max_response_bytes = settings_.max_image_bytes;
  request.headers = {{"Accept", "image/*"}, {"X-Request-Id", request_id}};
  if (reach != link_reach::provider_server) request.address_policy = net::is_public_address;
  return request;
}

boost::asio::awaitable<outcome<std::string>> openai_provider::download(
    const std::string& url, const std::string& request_id) {
  auto unusable = [&](std::string_view why) {
    spdlog::warn("[{}] {}: the image link {} was not used: {}", request_id, name(),
                 loggable(util::redact_url(url), settings_.api_key), why);
    return make_error(error_kind::provider_error, std::string(unusable_link_message));
  };
  const auto reach = image_link_reach(url, settings_.base_url);
  if (reach == link_reach::refused) {
    co_return unusable("a link off the provider's own server must be https");
  }
  auto response = co_await client_.send(image_request(url, reach, request_id));
  if (!response) co_return unusable(response.error().message);
  if (response->status != 200) co_return unusable("HTTP " + std::to_string(response->status));
  const auto type = response->header("content-type").value_or("");
  if (!util::starts_with(util::to_lower_ascii(type), "image/")) {
    co_return unusable("not an image: content type '" + loggable(type, settings_.api_key) + "'");
  }
  co_return std::move(response->body);
}

net::http_request openai_provider::generation_call(const core::generation_request& request,
                                                   const std::string& body) const {
  net::http_request http;
  http.method = "POST";
  http.url = endpoint();
  http.body = body;
  http.timeout = settings_.timeout;
  http.max_response_bytes = base64_answer_limit(settings_.max_image_bytes, request.n);
  http.headers = {{"Content-Type", "application/json"},
                  {"Accept", "application/json"},
                  {"X-Request-Id", request.request_id}};
  if (settings_.flavor == openai_flavor::azure) {
    http.headers.emplace_back("api-key", settings_.api_key);
  } else if (!settings_.api_key.empty()) {
    http.headers.emplace_back("Authorization", "Bearer " + settings_.api_key);
  }
  return http;
}

// The images of a successful answer: inline base64, or links downloaded one by one.
boost::asio::awaitable<outcome<core::generation_result>> openai_provider::images_of(
    std::string_view body, const std::string& request_id) {
  auto answer = parse_generation_response(body);
  if (!answer) co_return answer.error();
  core::generation_result result;
  result.usage = answer->usage;
  auto& images = result.images;
  for (auto& item : answer->items) {
    core::generated_image image;
    image.revised_prompt = std::move(item.revised_prompt);
    if (item.b64_json) {
      auto bytes = util::base64_decode(*item.b64_json);
      if (!bytes) {
        co_return make_error(error_kind::provider_error,
                             label() + " sent image data that is not valid base64.");
      }
      image.bytes = std::move(*bytes);
    } else {
      auto bytes = co_await download(*item.url, request_id);
      if (!bytes) co_return bytes.error();
      image.bytes = std::move(*bytes);
    }
    images.push_back(std::move(image));
  }
  co_return result;
}

// One failed attempt: the error to report, how long to wait before the next try (none: stop),
// and what happened, for the log.
struct openai_provider::attempt_failure {
  app_error error;
  std::optional<std::chrono::milliseconds> wait;
  std::string detail;
};

openai_provider::attempt_failure openai_provider::transport_failed(
    const net::transport_error& failure, int attempt) const {
  auto error = provider_error_from(
      failure, {label() + " did not answer within " + seconds_text(settings_.timeout) + " seconds.",
                label() + " sent an answer larger than allowed.",
                label() + " could not be reached; try again later."});
  // Only a request that never left may be sent again: the provider may have billed one that did.
  if (error.kind != error_kind::provider_unavailable || failure.request_sent) {
    return {std::move(error), std::nullopt, failure.message};
  }
  return {std::move(error), backoff_delay(attempt, jitter01()), failure.message};
}

openai_provider::attempt_failure openai_provider::answer_failed(const net::http_response& response,
                                                                int attempt) const {
  // error_context holds views: the label must outlive it, so it gets a name here.
  const std::string provider_label = label();
  const error_context context{
      provider_label,
      settings_.flavor == openai_flavor::azure ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY",
      settings_.model};
  auto failure =
      classify_error_response(response.status, response.body, response.header("retry-after-ms"),
                              response.header("retry-after"), response.header("x-should-retry"),
                              context, std::chrono::system_clock::now());
  auto detail = loggable(failure.detail, settings_.api_key);
  // Of the answers, only a rate limit proves the provider did no work (and billed nothing); any
  // other failure may have cost money, so the request is not sent twice.
  if (!failure.retryable || response.status != 429) {
    return {std::move(failure.error), std::nullopt, std::move(detail)};
  }
  const auto wait = failure.retry_after.value_or(backoff_delay(attempt, jitter01()));
  // A wait longer than allowed: the caller is better off knowing now.
  if (wait > settings_.max_retry_wait) {
    return {std::move(failure.error), std::nullopt, std::move(detail)};
  }
  return {std::move(failure.error), wait, std::move(detail)};
}

boost::asio::awaitable<outcome<core::generation_result>> openai_provider::generate(
    const core::generation_request& request, core::generation_watch& /*watch*/) {
  const std::string body = build_generation_body(request, settings_.model, settings_.flavor);
  auto executor = co_await boost::asio::this_coro::executor;
  for (int attempt = 0;; ++attempt) {
    auto response = co_await client_.send(generation_call(request, body));
    if (response && response->status >= 200 && response->status < 300) {
      auto result = co_await images_of(response->body, request.request_id);
      if (result) {
        spdlog::info("[{}] {} answered with {} image(s) after {} attempt(s)", request.request_id,
                     name(), result->images.size(), attempt + 1);
      }
      co_return result;
    }
    const auto failed =
        response ? answer_failed(*response, attempt) : transport_failed(response.error(), attempt);
    spdlog::warn("[{}] {} attempt {} failed: {} ({})", request.request_id, name(), attempt + 1,
                 failed.detail, error_code(failed.error.kind));
    if (!failed.wait || attempt >= settings_.max_retries) co_return failed.error;
    boost::asio::steady_timer timer(executor, *failed.wait);
    co_await timer.async_wait(boost::asio::use_awaitable);
  }
}

}  // namespace visionary::providers
