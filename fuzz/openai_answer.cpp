// OpenAI Images answers: parse_generation_response on the body, and classify_error_response with
// its retry headers. The input is four header lines (status, retry-after-ms, retry-after,
// x-should-retry; "-" for an absent header) and then the body.
#include <chrono>
#include <string>

#include "fuzz_check.hpp"
#include "providers/openai_protocol.hpp"
#include "util/text.hpp"

namespace {

using namespace visionary;
using fuzz::require;

const util::sys_time now = util::from_unix_millis(1'795'561'512'000);  // 2026-11-24T23:05:12Z

std::optional<std::string_view> header(std::string_view line) {
  if (line == "-") return std::nullopt;
  return line;
}

void check_answer(std::string_view body) {
  const auto answer = providers::parse_generation_response(body, "Azure OpenAI");
  if (!answer) {
    // Azure's content filter may empty every entry of an answer: a refusal, not a bad answer.
    require(answer.error().kind == error_kind::provider_error ||
                answer.error().kind == error_kind::content_policy_violation,
            "a bad answer is provider_error or the content filter's refusal");
    require(answer.error().message.size() <= 600, "callers hear a short message");
    return;
  }
  require(!answer->items.empty(), "an answer has images");
  for (const auto& item : answer->items) {
    require(item.b64_json || item.url, "every image has data or a link");
  }
  if (answer->usage) {
    require(answer->usage->input_text_tokens >= 0 && answer->usage->input_image_tokens >= 0 &&
                answer->usage->output_tokens >= 0,
            "token counts are not negative");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const unsigned status = util::parse_number<unsigned>(fuzz::take_line(text)).value_or(500) % 1000;
  const auto retry_after_ms = header(fuzz::take_line(text));
  const auto retry_after = header(fuzz::take_line(text));
  const auto should_retry = header(fuzz::take_line(text));
  check_answer(text);
  for (const auto flavor : {providers::openai_flavor::openai, providers::openai_flavor::azure}) {
    const providers::error_context context{"OpenAI", "OPENAI_API_KEY", "dall-e-3", flavor};
    const auto failure = providers::classify_error_response(
        status, text, retry_after_ms, retry_after, should_retry, context, now);
    require(!failure.error.message.empty(), "a failure has words for callers");
    if (failure.retry_after) {
      require(*failure.retry_after >= std::chrono::milliseconds{0} &&
                  *failure.retry_after <= std::chrono::hours{24},
              "a retry wait lies between now and a day");
    }
    require(failure.error.message.size() <= 600, "callers hear a short message");
  }
  return 0;
}
