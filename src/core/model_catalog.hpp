// What each provider/model accepts (sizes, qualities, styles, batch size, prompt length), so
// requests are checked before any provider is called and the UI shows only valid options. Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/provider_kind.hpp"

namespace visionary::core {

struct option_values {
  std::vector<std::string> values;
  std::string default_value;
  [[nodiscard]] bool allows(std::string_view value) const;
};

// The site-wide prompt limit unless VISIONARY_MAX_PROMPT_CHARS says otherwise (models may allow
// less).
inline constexpr std::size_t default_max_prompt_chars = 4000;

struct model_capabilities {
  option_values size;
  std::optional<option_values> quality;
  std::optional<option_values> style;
  int max_n = 1;
  std::size_t max_prompt_chars = default_max_prompt_chars;
};

[[nodiscard]] model_capabilities capabilities_for(provider_kind provider, std::string_view model);

}  // namespace visionary::core
