// Prompt ideas for the "suggestion" feature: a subject, a setting and a style drawn at random from
// curated lists. Thread-safe (thread-local random engine).
#pragma once

#include <string>

namespace visionary::core {

[[nodiscard]] std::string random_prompt_suggestion();

}  // namespace visionary::core
