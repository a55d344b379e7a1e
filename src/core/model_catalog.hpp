// What each provider/model accepts (sizes, qualities, styles, batch size, prompt length), so
// requests are checked before any provider is called and the UI shows only valid options. Pure;
// thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visionary::core {

struct option_values {
  std::vector<std::string> values;
  std::string default_value;
  [[nodiscard]] bool allows(std::string_view value) const;
};

struct model_capabilities {
  option_values size;
  std::optional<option_values> quality;
  std::optional<option_values> style;
  int max_n = 1;
  std::size_t max_prompt_chars = 4000;
};

// provider: "demo", "openai", "azure-openai", "openai-compatible", "automatic1111".
[[nodiscard]] model_capabilities capabilities_for(std::string_view provider,
                                                  std::string_view model);

}  // namespace visionary::core
