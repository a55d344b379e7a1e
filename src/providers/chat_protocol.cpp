#include "providers/chat_protocol.hpp"

#include <boost/json.hpp>

#include "providers/openai_protocol.hpp"
#include "util/text.hpp"

namespace visionary::providers {

namespace json = boost::json;

namespace {

constexpr std::string_view system_message =
    "You write prompts for an AI image generator. Answer with exactly one prompt: a single vivid "
    "sentence of 10 to 40 words that names a subject, a setting, the light and an art style. No "
    "quotes, no title, no list, no explanation.";

// The words of a non-2xx answer worth logging: the error's code and message when it has our shape.
std::string error_words(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  const auto* object = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  const auto* error = object ? object->if_contains("error") : nullptr;
  if (error == nullptr || !error->is_object()) return std::string(body);
  std::string words;
  for (const std::string_view field : {"code", "type", "message"}) {
    const auto* value = error->as_object().if_contains(field);
    if (value == nullptr || !value->is_string() || value->as_string().empty()) continue;
    if (!words.empty()) words += ": ";
    words += std::string_view(value->as_string());
  }
  return words;
}

app_error failure_for(unsigned status) {
  if (status == 401 || status == 403) {
    return make_error(error_kind::provider_error, "The suggestion model refused the credentials.");
  }
  if (status == 429) {
    return make_error(error_kind::rate_limited, "The suggestion model asks to slow down.");
  }
  if (status >= 500) {
    return make_error(error_kind::provider_unavailable, "The suggestion model is unavailable.");
  }
  return make_error(error_kind::provider_error, "The suggestion model refused the request.");
}

app_error malformed(std::string_view why) {
  return make_error(error_kind::provider_error,
                    "The suggestion model's answer " + std::string(why) + ".");
}

}  // namespace

std::optional<chat_auth> parse_chat_auth(std::string_view text) {
  if (text == "bearer") return chat_auth::bearer;
  if (text == "api-key") return chat_auth::api_key;
  if (text == "none") return chat_auth::none;
  return std::nullopt;
}

std::string_view chat_auth_name(chat_auth auth) {
  switch (auth) {
    case chat_auth::api_key:
      return "api-key";
    case chat_auth::none:
      return "none";
    case chat_auth::bearer:
      break;
  }
  return "bearer";
}

std::string_view chat_flavor_name(chat_flavor flavor) {
  switch (flavor) {
    case chat_flavor::azure:
      return "azure-openai";
    case chat_flavor::compatible:
      return "openai-compatible";
    case chat_flavor::openai:
      break;
  }
  return "openai";
}

std::string chat_completions_url(chat_flavor flavor, std::string_view base_url) {
  if (flavor == chat_flavor::azure) {
    return azure_resource_root(base_url) + "/openai/v1/chat/completions";
  }
  return util::without_trailing_slashes(base_url) + "/chat/completions";
}

std::string build_suggestion_body(std::string_view model, const core::suggestion_theme& theme,
                                  chat_flavor flavor) {
  const std::string request =
      "Write one image prompt about " + theme.topic + ", in this style: " + theme.style + ".";
  json::object body{
      {"model", model},
      {"messages", json::array{json::object{{"role", "system"}, {"content", system_message}},
                               json::object{{"role", "user"}, {"content", request}}}},
      {"n", 1}};
  const bool official = flavor != chat_flavor::compatible;
  body[official ? "max_completion_tokens" : "max_tokens"] = max_suggestion_answer_tokens;
  return json::serialize(body);
}

outcome<std::string> parse_chat_answer(std::string_view body) {
  boost::system::error_code ec;
  const auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return malformed("is not JSON");
  const auto* choices = parsed.as_object().if_contains("choices");
  if (choices == nullptr || !choices->is_array() || choices->as_array().empty() ||
      !choices->as_array().front().is_object()) {
    return malformed("has no choices");
  }
  const auto& choice = choices->as_array().front().as_object();
  const auto* finish = choice.if_contains("finish_reason");
  if (finish != nullptr && finish->is_string() &&
      (finish->as_string() == "length" || finish->as_string() == "content_filter")) {
    return malformed("was cut short (" + std::string(finish->as_string()) + ")");
  }
  const auto* message = choice.if_contains("message");
  const auto* content = message != nullptr && message->is_object()
                            ? message->as_object().if_contains("content")
                            : nullptr;
  if (content == nullptr || !content->is_string()) return malformed("has no text");
  return std::string(content->as_string());
}

chat_failure classify_chat_error(unsigned status, std::string_view body,
                                 std::optional<std::string_view> retry_after_ms,
                                 std::optional<std::string_view> retry_after, util::sys_time now) {
  chat_failure failure{failure_for(status),
                       "HTTP " + std::to_string(status) + " " + error_words(body)};
  if (status == 429) {
    if (const auto wait = parse_retry_after(retry_after_ms, retry_after, now)) {
      failure.error.retry_after_seconds = int((wait->count() + 999) / 1000);
    }
  }
  return failure;
}

}  // namespace visionary::providers
