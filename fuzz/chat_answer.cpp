// Chat Completions answers of the suggestion model: parse_chat_answer and classify_chat_error on
// the body, then clean_suggestion on the answer's text and on the raw body. The input is one header
// line (the status) and then the body.
#include <string>

#include "core/suggestion_text.hpp"
#include "core/validation.hpp"
#include "fuzz_check.hpp"
#include "providers/chat_protocol.hpp"
#include "util/text.hpp"

namespace {

using namespace visionary;
using fuzz::require;

const util::sys_time now = util::from_unix_millis(1'795'561'512'000);  // 2026-11-24T23:05:12Z

// Whatever went in, a suggestion that comes out is one line a user could have typed.
void check_cleaned(std::string_view answer) {
  const auto cleaned = core::clean_suggestion(answer);
  if (!cleaned) {
    require(cleaned.error().kind == error_kind::invalid_request, "a refusal is invalid_request");
    return;
  }
  require(util::is_valid_utf8(*cleaned), "a suggestion is UTF-8");
  const auto length = util::utf8_length(*cleaned);
  require(length >= core::min_suggestion_chars && length <= core::max_suggestion_chars,
          "a suggestion is within its length");
  require(cleaned->find_first_of("\r\n") == std::string::npos, "a suggestion is one line");
  require(util::trim(*cleaned) == *cleaned, "a suggestion is trimmed");
  const auto typed = core::validate_prompt(*cleaned, core::max_suggestion_chars);
  require(typed && *typed == *cleaned, "a suggestion passes as a typed prompt, unchanged");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const unsigned status = util::parse_number<unsigned>(fuzz::take_line(text)).value_or(500) % 1000;
  const auto answer = providers::parse_chat_answer(text);
  if (answer) {
    check_cleaned(*answer);
  } else {
    require(answer.error().kind == error_kind::provider_error, "a bad answer is provider_error");
  }
  check_cleaned(text);
  const auto failure =
      providers::classify_chat_error(status, text, text.substr(0, 8), text.substr(0, 40), now);
  require(!failure.error.message.empty(), "a failure has words for callers");
  if (failure.error.retry_after_seconds) {
    require(*failure.error.retry_after_seconds >= 0 && *failure.error.retry_after_seconds <= 86'400,
            "a retry wait lies between 0 and a day");
  }
  return 0;
}
