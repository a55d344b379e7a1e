#include "providers/openai_protocol.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <cmath>

namespace visionary::providers {

namespace json = boost::json;
using core::error_kind;
using core::make_error;

std::string build_generation_body(const generation_request& request, std::string_view model,
                                  openai_flavor flavor) {
  json::object body;
  // Azure names the deployment in the path; its classic API ignores a model field.
  if (flavor != openai_flavor::azure || model.starts_with("gpt-image")) body["model"] = model;
  body["prompt"] = request.prompt;
  body["n"] = request.n;
  if (!request.size.empty()) body["size"] = request.size;
  if (request.quality) body["quality"] = *request.quality;
  if (request.style) body["style"] = *request.style;
  if (model.starts_with("dall-e")) body["response_format"] = "b64_json";
  if (!request.request_id.empty() && flavor == openai_flavor::openai) {
    body["user"] = "visionary";  // a stable end-user tag helps OpenAI's abuse monitoring
  }
  return json::serialize(body);
}

core::outcome<std::vector<image_item>> parse_generation_response(std::string_view body) {
  auto bad = [](std::string detail) {
    return make_error(
        error_kind::provider_error,
        "The image provider sent an answer that could not be understood (" + detail + ").");
  };
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (ec) return bad("not JSON");
  if (!value.is_object()) return bad("not a JSON object");
  const auto* data = value.as_object().if_contains("data");
  if (data == nullptr || !data->is_array()) return bad("no data array");
  if (data->as_array().empty()) return bad("no images");
  std::vector<image_item> items;
  for (const auto& element : data->as_array()) {
    if (!element.is_object()) return bad("an image entry is not an object");
    const auto& o = element.as_object();
    image_item item;
    if (const auto* b64 = o.if_contains("b64_json");
        b64 && b64->is_string() && !b64->as_string().empty()) {
      item.b64_json = std::string(b64->as_string());
    }
    if (const auto* url = o.if_contains("url");
        url && url->is_string() && !url->as_string().empty()) {
      item.url = std::string(url->as_string());
    }
    if (const auto* revised = o.if_contains("revised_prompt"); revised && revised->is_string()) {
      item.revised_prompt = std::string(revised->as_string());
    }
    if (!item.b64_json && !item.url) return bad("an image entry has neither b64_json nor url");
    items.push_back(std::move(item));
  }
  return items;
}

std::optional<std::chrono::milliseconds> parse_retry_after(
    std::optional<std::string_view> retry_after_ms, std::optional<std::string_view> retry_after,
    util::sys_time now) {
  // Waits beyond a day are not advice a request can follow; they also keep the arithmetic in range.
  constexpr double max_wait_seconds = 86'400;
  auto parse_number = [&](std::string_view text, double unit_seconds) -> std::optional<double> {
    double value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size() || !std::isfinite(value) ||
        value < 0) {
      return std::nullopt;
    }
    return std::min(value * unit_seconds, max_wait_seconds);
  };
  if (retry_after_ms) {
    if (auto seconds = parse_number(*retry_after_ms, 0.001)) {
      return std::chrono::milliseconds(std::llround(*seconds * 1000));
    }
  }
  if (retry_after) {
    if (auto seconds = parse_number(*retry_after, 1.0)) {
      return std::chrono::milliseconds(std::llround(*seconds * 1000));
    }
    if (auto date = util::parse_rfc1123(*retry_after)) {
      const auto delta = std::chrono::duration_cast<std::chrono::milliseconds>(*date - now);
      return std::clamp(delta, std::chrono::milliseconds{0},
                        std::chrono::milliseconds(std::llround(max_wait_seconds * 1000)));
    }
  }
  return std::nullopt;
}

std::chrono::milliseconds backoff_delay(int attempt, double jitter01) {
  const double base = std::min(0.5 * std::pow(2.0, attempt), 8.0);
  const double jittered = base * (1.0 - 0.25 * std::clamp(jitter01, 0.0, 1.0));
  return std::chrono::milliseconds(std::llround(jittered * 1000));
}

provider_failure classify_error_response(unsigned status, std::string_view body,
                                         std::optional<std::string_view> retry_after_ms,
                                         std::optional<std::string_view> retry_after,
                                         std::optional<std::string_view> should_retry,
                                         const error_context& context, util::sys_time now) {
  std::string code, type, message;
  boost::system::error_code ec;
  const json::value value = json::parse(body, ec);
  if (!ec && value.is_object()) {
    if (const auto* error = value.as_object().if_contains("error"); error && error->is_object()) {
      const auto& e = error->as_object();
      auto text = [&](std::string_view key) -> std::string {
        const auto* v = e.if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
      };
      code = text("code");
      type = text("type");
      message = text("message");
      // Azure puts the policy verdict in inner_error.code.
      if (const auto* inner = e.if_contains("inner_error"); inner && inner->is_object()) {
        if (const auto* ic = inner->as_object().if_contains("code");
            ic && ic->is_string() && ic->as_string() == "ResponsibleAIPolicyViolation") {
          code = "content_policy_violation";
        }
      }
    }
  }
  const std::string label(context.provider_label);
  provider_failure failure;
  failure.retry_after = parse_retry_after(retry_after_ms, retry_after, now);
  const auto seconds_hint = [&]() -> std::optional<int> {
    if (!failure.retry_after) return std::nullopt;
    return int(std::max<long long>(1, (failure.retry_after->count() + 999) / 1000));
  };

  if (code == "content_policy_violation" || code == "moderation_blocked" ||
      code == "contentFilter" || code == "content_filter") {
    failure.error =
        make_error(error_kind::content_policy_violation,
                   message.empty() ? label + " refused this prompt under its content policy."
                                   : label + " refused this prompt: " + message);
    return failure;
  }
  if (status == 401 || status == 403) {
    failure.error = make_error(error_kind::provider_error,
                               label + " rejected the server's API key (HTTP " +
                                   std::to_string(status) + "). The administrator should check " +
                                   std::string(context.key_setting) + ".");
    return failure;
  }
  if (status == 404 || code == "model_not_found") {
    failure.error = make_error(error_kind::provider_error,
                               label + " does not offer the model '" + std::string(context.model) +
                                   "' to this account (or the endpoint is wrong).");
    return failure;
  }
  if (status == 429) {
    if (code == "insufficient_quota" || type == "insufficient_quota") {
      failure.error = make_error(error_kind::rate_limited,
                                 label + " reports that the account is out of quota or budget.");
      failure.error.retry_after_seconds = seconds_hint();
      return failure;  // retrying cannot help until someone adds credit
    }
    failure.error = make_error(error_kind::rate_limited,
                               label + " is rate limiting requests; try again shortly.");
    failure.error.retry_after_seconds = seconds_hint().value_or(10);
    failure.retryable = true;
  } else if (status == 408 || status == 409) {
    failure.error =
        make_error(error_kind::provider_error, label + " could not complete the request (HTTP " +
                                                   std::to_string(status) + ").");
    failure.retryable = true;
  } else if (status == 503 || status == 502 || status == 504) {
    failure.error =
        make_error(error_kind::provider_unavailable,
                   label + " is temporarily unavailable (HTTP " + std::to_string(status) + ").");
    failure.error.retry_after_seconds = seconds_hint();
    failure.retryable = true;
  } else if (status >= 500) {
    failure.error = make_error(error_kind::provider_error, label + " had an internal error (HTTP " +
                                                               std::to_string(status) + ").");
    failure.retryable = true;
  } else {
    failure.error = make_error(
        error_kind::provider_error,
        message.empty() ? label + " rejected the request (HTTP " + std::to_string(status) + ")."
                        : label + " rejected the request: " + message);
  }
  if (should_retry == "false") failure.retryable = false;
  if (should_retry == "true") failure.retryable = true;
  return failure;
}

}  // namespace visionary::providers
