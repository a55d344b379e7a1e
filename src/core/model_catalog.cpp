#include "core/model_catalog.hpp"

#include <algorithm>

namespace visionary::core {

bool option_values::allows(std::string_view value) const {
  return std::find(values.begin(), values.end(), value) != values.end();
}

model_capabilities capabilities_for(provider_kind provider, std::string_view model) {
  model_capabilities c;
  if (provider == provider_kind::demo) {
    c.size = {{"1024x1024", "1536x1024", "1024x1536"}, "1024x1024"};
    c.max_n = 4;
    return c;
  }
  const bool openai_family =
      provider == provider_kind::openai || provider == provider_kind::azure_openai;
  if (openai_family && model.starts_with("gpt-image")) {
    c.size = {{"1024x1024", "1536x1024", "1024x1536", "auto"}, "1024x1024"};
    c.quality = option_values{{"low", "medium", "high", "auto"}, "auto"};
    c.max_n = 4;
    c.max_prompt_chars = 32000;
    return c;
  }
  if (openai_family && model == "dall-e-3") {
    c.size = {{"1024x1024", "1792x1024", "1024x1792"}, "1024x1024"};
    c.quality = option_values{{"standard", "hd"}, "standard"};
    c.style = option_values{{"vivid", "natural"}, "vivid"};
    c.max_n = 1;
    c.max_prompt_chars = 4000;
    return c;
  }
  if (openai_family && model == "dall-e-2") {
    c.size = {{"256x256", "512x512", "1024x1024"}, "1024x1024"};
    c.max_n = 4;
    c.max_prompt_chars = 1000;
    return c;
  }
  // Local servers (LocalAI, stable-diffusion.cpp, AUTOMATIC1111): SD-friendly square and 3:2 sizes.
  c.size = {{"512x512", "768x768", "1024x1024", "768x512", "512x768"}, "512x512"};
  c.max_n = 4;
  return c;
}

}  // namespace visionary::core
