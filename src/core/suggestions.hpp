// Prompt ideas for the "suggestion" feature: a subject, a setting and a style drawn at random from
// curated lists, and themes from the same lists that vary what a language model is asked for.
// Thread-safe (thread-local random engine).
#pragma once

#include <string>

namespace visionary::core {

[[nodiscard]] std::string random_prompt_suggestion();

// What one request to a language model is about, so that its suggestions differ from each other.
struct suggestion_theme {
  std::string topic;  // "animals in unexpected places"
  std::string style;  // "watercolor"
};
[[nodiscard]] suggestion_theme random_suggestion_theme();

}  // namespace visionary::core
