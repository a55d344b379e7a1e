// The OpenAI Images API wire format (also spoken by Azure OpenAI and OpenAI-compatible servers):
// request bodies, response parsing, where image links may lead, error classification and retry
// timing. Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "core/provider_kind.hpp"
#include "providers/image_link_reach.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::providers {

enum class openai_flavor { openai, azure, compatible };

[[nodiscard]] core::provider_kind provider_kind_of(openai_flavor flavor);

// JSON body for POST .../images/generations. GPT image models get no response_format (they reject
// it and always answer b64_json); DALL-E models are asked for b64_json so nothing expires.
[[nodiscard]] std::string build_generation_body(const core::generation_request& request,
                                                std::string_view model, openai_flavor flavor);

struct image_item {
  std::optional<std::string> b64_json;
  std::optional<std::string> url;
  std::optional<std::string> revised_prompt;
};

struct generation_answer {
  std::vector<image_item> items;
  std::optional<core::token_usage> usage;  // GPT image models report it; DALL-E and others do not
};

// provider_error for malformed JSON, a missing data array or items without b64_json/url. A
// malformed `usage` is ignored (the answer's images are still good).
[[nodiscard]] outcome<generation_answer> parse_generation_response(std::string_view body);

struct provider_failure {
  app_error error;  // fixed words per case; only a content-policy refusal carries the provider's
  bool retryable = false;
  std::optional<std::chrono::milliseconds> retry_after;
  std::string detail;  // for the log: the status and what the provider said (which may be anything)
};

struct error_context {
  std::string_view provider_label;  // "OpenAI", "Azure OpenAI", ...
  std::string_view key_setting;     // "OPENAI_API_KEY", ... (named in the log, not to callers)
  std::string_view model;
};

// The longest content-policy reason passed on to callers (one line, API keys masked).
constexpr std::size_t max_policy_reason_bytes = 300;

// Maps a non-2xx answer to our error vocabulary (content policy → 422, auth → 502, rate → 429,
// 5xx → 502/503) and says whether it may be retried and after how long. Callers hear fixed words,
// decided by the status and the error code; the provider's own words go to `detail`, except the
// reason of a content-policy refusal, which users need to rephrase.
[[nodiscard]] provider_failure classify_error_response(
    unsigned status, std::string_view body, std::optional<std::string_view> retry_after_ms,
    std::optional<std::string_view> retry_after, std::optional<std::string_view> should_retry,
    const error_context& context, util::sys_time now);

// retry-after-ms, else retry-after (seconds or HTTP date), as the official SDKs read them.
[[nodiscard]] std::optional<std::chrono::milliseconds> parse_retry_after(
    std::optional<std::string_view> retry_after_ms, std::optional<std::string_view> retry_after,
    util::sys_time now);

// 0.5 s × 2^attempt capped at 8 s, minus up to 25 % jitter (jitter01 in [0, 1)).
[[nodiscard]] std::chrono::milliseconds backoff_delay(int attempt, double jitter01);

}  // namespace visionary::providers
