#include "providers/openai_provider.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <random>

#include "net/address_scope.hpp"
#include "providers/answer_limits.hpp"
#include "providers/transport_errors.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"
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

// What a relay callback answers: go on reading, or stop.
boost::asio::awaitable<bool> go_on(bool more) {
  co_return more;
}

// Waits before another attempt; a cancellation ends the wait at once.
boost::asio::awaitable<void> pause(std::chrono::milliseconds wait, util::abort_signal& abort) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto timer = std::make_shared<boost::asio::steady_timer>(executor, wait);
  util::abort_signal::action wake = [timer, executor] {
    boost::asio::post(executor, [timer] { timer->cancel(); });
  };
  util::abort_registration cancelled(&abort, std::move(wake));
  if (!cancelled.active()) co_return;
  (void)co_await timer->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

}  // namespace

// One streamed call as it arrives: a text/event-stream answer is read event by event (partial
// images go to the watch as previews, the completed event is the image); any other answer (an
// error status, or a server that answered in one piece) is kept whole, to be read as before.
class openai_provider::stream_call {
 public:
  stream_call(const openai_provider& provider, core::generation_watch& watch)
      : provider_(provider),
        watch_(watch),
        reader_(base64_answer_limit(provider.settings_.max_image_bytes, 1)),
        label_(provider.label()) {}

  // Reads the answer of `http` through this call.
  void attach(net::http_request& http) {
    http.on_header = [this](const net::http_response& head) { return go_on(on_header(head)); };
    http.on_body = [this](std::string_view piece) { return go_on(on_body(piece)); };
  }
  [[nodiscard]] bool started() const { return streaming_; }
  [[nodiscard]] std::string take_body() { return std::move(body_); }

  std::optional<core::generation_result> completed;  // the image, once its event arrived
  std::optional<provider_failure> failure;           // an error frame or an unreadable stream

 private:
  bool on_header(const net::http_response& head) {
    const auto type = util::to_lower_ascii(head.header("content-type").value_or(""));
    streaming_ = head.status >= 200 && head.status < 300 && type.starts_with("text/event-stream");
    return true;
  }

  bool on_body(std::string_view piece) {
    if (!streaming_) {
      body_.append(piece);
      return true;
    }
    std::vector<sse_event> events;
    if (!reader_.feed(piece, events)) {
      fail(make_error(error_kind::provider_error,
                      label_ + " sent a stream event larger than allowed."),
           "an event beyond the size limit");
      return false;
    }
    for (const auto& event : events) {
      if (!on_event(event)) return false;
    }
    return true;
  }

  bool on_event(const sse_event& event) {
    auto parsed = parse_image_stream_event(event);
    if (!parsed) {
      fail(parsed.error(), parsed.error().message);
      return false;
    }
    using kind = image_stream_event::kind;
    if (parsed->type == kind::error) {
      const error_context context{label_, "", provider_.settings_.model,
                                  provider_.settings_.flavor};
      failure = classify_stream_error(parsed->error_data, context);
      return false;
    }
    if (parsed->type == kind::other) return true;
    auto bytes = util::base64_decode(parsed->b64_json);
    if (!bytes) {
      fail(make_error(error_kind::provider_error,
                      label_ + " sent image data that is not valid base64."),
           "an image event with invalid base64");
      return false;
    }
    if (parsed->type == kind::partial_image) {
      report_partial(parsed->partial_index, std::move(*bytes));
      return true;
    }
    if (!completed) completed.emplace();
    completed->images.push_back(
        core::generated_image{std::move(*bytes), std::nullopt, std::nullopt});
    completed->usage = parsed->usage;
    return true;
  }

  // Partial image i of n is (i + 1) / (n + 1) of the way; the completed image is the rest.
  void report_partial(int index, std::string preview) {
    const int asked = provider_.settings_.partial_images;
    core::generation_progress progress;
    if (asked > 0) progress.fraction = double(std::min(index, asked - 1) + 1) / double(asked + 1);
    progress.preview = std::move(preview);
    watch_.report(std::move(progress));
  }

  void fail(app_error error, std::string detail) {
    failure = provider_failure{std::move(error), false, std::nullopt, std::move(detail)};
  }

  const openai_provider& provider_;
  core::generation_watch& watch_;
  sse_reader reader_;
  std::string label_;
  bool streaming_ = false;
  std::string body_;
};

openai_provider::openai_provider(openai_provider_settings settings, net::http_client& client)
    : settings_(std::move(settings)), client_(client) {
  settings_.base_url = util::without_trailing_slashes(settings_.base_url);
}

std::string openai_provider::endpoint() const {
  return generation_url(settings_.flavor, settings_.base_url, settings_.model,
                        settings_.azure_api_version);
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
                                                 const std::string& request_id,
                                                 util::abort_signal& abort) const {
  net::http_request request;
  request.abort = &abort;
  request.method = "GET";
  request.url = url;
  request.timeout = std::chrono::milliseconds{60'000};
  request.max_response_bytes = settings_.max_image_bytes;
  request.headers = {{"Accept", "image/*"}, {"X-Request-Id", request_id}};
  if (reach != link_reach::provider_server) request.address_policy = net::is_public_address;
  return request;
}

boost::asio::awaitable<outcome<std::string>> openai_provider::download(
    const std::string& url, const std::string& request_id, util::abort_signal& abort) {
  auto unusable = [&](std::string_view why) {
    spdlog::warn("[{}] {}: the image link {} was not used: {}", request_id, name(),
                 loggable(util::redact_url(url), settings_.api_key), why);
    return make_error(error_kind::provider_error, std::string(unusable_link_message));
  };
  const auto reach = image_link_reach(url, settings_.base_url);
  if (reach == link_reach::refused) {
    co_return unusable("a link off the provider's own server must be https");
  }
  auto response = co_await client_.send(image_request(url, reach, request_id, abort));
  if (!response) co_return unusable(response.error().message);
  if (response->status != 200) co_return unusable("HTTP " + std::to_string(response->status));
  const auto type = response->header("content-type").value_or("");
  if (!util::starts_with(util::to_lower_ascii(type), "image/")) {
    co_return unusable("not an image: content type '" + loggable(type, settings_.api_key) + "'");
  }
  co_return std::move(response->body);
}

std::string_view openai_provider::model_for(const core::generation_request& request) const {
  return request.model.empty() ? std::string_view(settings_.model)
                               : std::string_view(request.model);
}

bool openai_provider::streams(const core::generation_request& request) const {
  // Compatible servers (LocalAI, sd.cpp) do not stream images. How a stream interleaves the
  // images of a batch is not documented, so a batch is asked for in one piece.
  const auto model = model_for(request);
  const auto& listed = settings_.streaming_models;
  const bool model_streams = listed.empty()
                                 ? is_gpt_image_model(model)
                                 : std::find(listed.begin(), listed.end(), model) != listed.end();
  return settings_.flavor != openai_flavor::compatible && model_streams && request.n == 1;
}

net::http_request openai_provider::generation_call(const core::generation_request& request,
                                                   const call_body& call,
                                                   util::abort_signal& abort) const {
  const bool streamed = call.streamed;
  net::http_request http;
  http.method = "POST";
  http.url = call.url;
  http.body = call.body;
  http.timeout = settings_.timeout;
  http.abort = &abort;
  // A stream carries the partial images besides the image itself.
  const int images = request.n * (streamed ? settings_.partial_images + 1 : 1);
  http.max_response_bytes = base64_answer_limit(settings_.max_image_bytes, images);
  http.headers = {{"Content-Type", call.content_type},
                  {"Accept", streamed ? "text/event-stream" : "application/json"},
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
    std::string_view body, const std::string& request_id, util::abort_signal& abort) {
  auto answer = parse_generation_response(body, label());
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
      auto bytes = co_await download(*item.url, request_id, abort);
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
      settings_.model, settings_.flavor};
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

// How a streamed call ended: its image, its error frame, a cancellation, or a stream cut short.
// Nothing of a stream that began is retried: the provider may have billed it.
outcome<core::generation_result> openai_provider::stream_outcome(
    stream_call& call, const net::transport_result& response, const std::string& request_id) const {
  if (call.failure) {
    spdlog::warn("[{}] {} stream failed: {} ({})", request_id, name(),
                 loggable(call.failure->detail, settings_.api_key),
                 error_code(call.failure->error.kind));
    return call.failure->error;
  }
  if (call.completed) {
    spdlog::info("[{}] {} streamed {} image(s)", request_id, name(), call.completed->images.size());
    return std::move(*call.completed);
  }
  if (!response && response.error().kind == net::transport_failure::aborted) {
    spdlog::info("[{}] {} stream stopped: the generation was cancelled", request_id, name());
    return transport_failed(response.error(), 0).error;
  }
  const auto failure = response ? std::string("the answer ended") : response.error().message;
  spdlog::warn("[{}] {} stream ended before the image was complete: {}", request_id, name(),
               failure);
  if (!response && response.error().kind == net::transport_failure::timeout) {
    return transport_failed(response.error(), 0).error;
  }
  return make_error(error_kind::provider_error,
                    label() + "'s stream ended before the image was complete; try again.");
}

boost::asio::awaitable<outcome<core::generation_result>> openai_provider::generate(
    const core::generation_request& request, core::generation_watch& watch) {
  call_body call;
  call.streamed = streams(request);
  call.url = endpoint();
  call.content_type = "application/json";
  call.body = build_generation_body(
      request, model_for(request), settings_.flavor,
      call.streamed ? std::optional<int>(settings_.partial_images) : std::nullopt,
      settings_.local_server);
  co_return co_await send(request, call, watch);
}

boost::asio::awaitable<outcome<core::generation_result>> openai_provider::edit(
    const core::generation_request& request, core::generation_watch& watch) {
  if (!request.edit) co_return make_error(error_kind::invalid_request, "Nothing to edit.");
  call_body call;
  call.streamed = streams(request);
  call.url =
      edit_url(settings_.flavor, settings_.base_url, settings_.model, settings_.azure_api_version);
  // 32 random characters: no image holds them by chance.
  const std::string boundary = "visionary-" + util::random_token(32);
  auto form =
      build_edit_body(request, model_for(request), settings_.flavor,
                      call.streamed ? std::optional<int>(settings_.partial_images) : std::nullopt,
                      boundary, settings_.local_server);
  call.content_type = std::move(form.content_type);
  call.body = std::move(form.body);
  co_return co_await send(request, call, watch);
}

boost::asio::awaitable<outcome<core::generation_result>> openai_provider::send(
    const core::generation_request& request, const call_body& call, core::generation_watch& watch) {
  const bool streamed = call.streamed;
  for (int attempt = 0;; ++attempt) {
    stream_call stream(*this, watch);
    auto http = generation_call(request, call, watch.abort());
    if (streamed) stream.attach(http);
    auto response = co_await client_.send(std::move(http));
    if (stream.started()) co_return stream_outcome(stream, response, request.request_id);
    if (response && streamed) response->body = stream.take_body();
    if (response && response->status >= 200 && response->status < 300) {
      auto result = co_await images_of(response->body, request.request_id, watch.abort());
      if (result) {
        spdlog::info("[{}] {} answered with {} image(s) after {} attempt(s)", request.request_id,
                     name(), result->images.size(), attempt + 1);
      }
      co_return result;
    }
    const auto failed =
        response ? answer_failed(*response, attempt) : transport_failed(response.error(), attempt);
    const bool cancelled = failed.error.kind == error_kind::cancelled;
    spdlog::log(cancelled ? spdlog::level::info : spdlog::level::warn,
                "[{}] {} attempt {} failed: {} ({})", request.request_id, name(), attempt + 1,
                failed.detail, error_code(failed.error.kind));
    if (!failed.wait || attempt >= settings_.max_retries) co_return failed.error;
    co_await pause(*failed.wait, watch.abort());
  }
}

}  // namespace visionary::providers
