// What a language model answered, made into one prompt suggestion or refused: its reasoning
// (<think>...</think>), markdown, preambles ("Here is a prompt:"), labels ("Prompt:") and
// surrounding quotes go; the first line of what is left is the prompt, checked with the same rules
// as a typed prompt (UTF-8, no control or disguising characters) and within a length a suggestion
// should have. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace visionary::core {

// The shortest and longest suggestion shown, in code points.
inline constexpr std::size_t min_suggestion_chars = 8;
inline constexpr std::size_t max_suggestion_chars = 300;
// The longest answer worth cleaning; a longer one is refused without being read.
inline constexpr std::size_t max_suggestion_answer_bytes = 16 * 1024;

// The suggestion in `answer`, or invalid_request saying why the answer cannot be one (for the log).
[[nodiscard]] outcome<std::string> clean_suggestion(std::string_view answer);

}  // namespace visionary::core
