// Validation of generation and listing inputs, independent of how they arrived (JSON, query
// string). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/model_catalog.hpp"
#include "core/model_menu.hpp"
#include "core/ports/image_provider.hpp"
#include "util/error.hpp"

namespace visionary::core {

// Fields as the client sent them (types already checked at the edge).
struct generation_input {
  std::optional<std::string> prompt;
  std::optional<std::string> model;
  std::optional<std::string> size;
  std::optional<std::string> quality;
  std::optional<std::string> style;
  std::optional<std::string> background;
  std::optional<std::string> output_format;
  std::optional<std::int64_t> output_compression;
  std::optional<std::string> moderation;
  std::optional<std::string> negative_prompt;
  std::optional<std::int64_t> seed;
  std::optional<double> steps;
  std::optional<double> cfg_scale;
  std::optional<double> denoising_strength;
  std::optional<std::string> sampler;
  std::optional<std::string> checkpoint;
  std::optional<std::int64_t> n;
};

// The largest seed accepted (engines take 32-bit unsigned seeds).
inline constexpr std::int64_t max_seed = 4294967295;

// Effective prompt limit: the configured one, never above what the model accepts.
[[nodiscard]] std::size_t prompt_limit(const model_capabilities& capabilities,
                                       std::size_t configured);

// The prompt alone: valid UTF-8, trimmed, non-empty, no control characters but newline and tab, at
// most limit code points. Returns the trimmed prompt.
[[nodiscard]] outcome<std::string> validate_prompt(const std::string& raw, std::size_t limit);

// A size for the model: one of its presets, or "WxH" within its custom-size rules; the error names
// the rule that was broken.
[[nodiscard]] outcome<void> validate_size(std::string_view size,
                                          const model_capabilities& capabilities);

// The request's sampler and checkpoint are among those the engine lists (an empty list checks
// nothing: the engine could not be asked, and answers for itself).
[[nodiscard]] outcome<void> validate_engine_choices(const engine_settings& settings,
                                                    const engine_choices& choices);

// Every field checked against the chosen model (the menu's default when none is named).
[[nodiscard]] outcome<core::generation_request> validate_generation(const generation_input& input,
                                                                    const model_menu& menu,
                                                                    std::size_t max_prompt_chars);
// The same for a server of one model (tools, tests).
[[nodiscard]] outcome<core::generation_request> validate_generation(
    const generation_input& input, const model_capabilities& capabilities,
    std::size_t max_prompt_chars);

inline constexpr int default_page_size = 50;
inline constexpr int max_page_size = 100;
[[nodiscard]] outcome<int> parse_page_limit(std::optional<std::string_view> text);
// A query count: `fallback` when absent, else a whole number from 1 to `max`; the error names
// `what` ("The limit", "days").
[[nodiscard]] outcome<int> parse_count(std::optional<std::string_view> text, int fallback, int max,
                                       std::string_view what);

}  // namespace visionary::core
