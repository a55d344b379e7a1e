// The OpenAI Chat Completions wire format as the prompt suggester speaks it (OpenAI, Azure OpenAI's
// v1 API, and OpenAI-compatible servers such as llama.cpp's llama-server or LocalAI): where the
// call goes, its body, the answer's text and what a failed answer means. Pure functions;
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/suggestions.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::providers {

// Which kind of server answers: it decides the path and the token-limit field.
enum class chat_flavor { openai, azure, compatible };
// How the key is presented: Authorization: Bearer, Azure's api-key header, or not at all.
enum class chat_auth { bearer, api_key, none };

[[nodiscard]] std::optional<chat_auth> parse_chat_auth(std::string_view text);
[[nodiscard]] std::string_view chat_auth_name(chat_auth auth);
[[nodiscard]] std::string_view chat_flavor_name(chat_flavor flavor);

// OpenAI and compatible servers: {base}/chat/completions (the base includes /v1). Azure: the v1
// API, {endpoint}/openai/v1/chat/completions, the deployment named by the body's model (an
// endpoint copied with its /openai or /openai/v1 path still works).
[[nodiscard]] std::string chat_completions_url(chat_flavor flavor, std::string_view base_url);

// The most tokens an answer may take (reasoning models spend some of them thinking).
inline constexpr int max_suggestion_answer_tokens = 600;

// JSON body asking `model` for one image prompt on `theme`. OpenAI and Azure get
// max_completion_tokens (their reasoning models refuse max_tokens); other servers max_tokens.
[[nodiscard]] std::string build_suggestion_body(std::string_view model,
                                                const core::suggestion_theme& theme,
                                                chat_flavor flavor);

// choices[0].message.content of a 200 answer. provider_error for malformed JSON, no choices, no
// text content (a refusal, null content), or an answer cut short (finish_reason length or
// content_filter).
[[nodiscard]] outcome<std::string> parse_chat_answer(std::string_view body);

struct chat_failure {
  app_error error;     // fixed words by status; retry_after_seconds for a rate limit
  std::string detail;  // for the log: the status, error code and what the server said
};

// A non-2xx answer: 401/403 → provider_error (the key), 429 → rate_limited with the server's
// retry-after (retry-after-ms, retry-after seconds or HTTP date), 5xx → provider_unavailable,
// anything else → provider_error.
[[nodiscard]] chat_failure classify_chat_error(unsigned status, std::string_view body,
                                               std::optional<std::string_view> retry_after_ms,
                                               std::optional<std::string_view> retry_after,
                                               util::sys_time now);

}  // namespace visionary::providers
