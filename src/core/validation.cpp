#include "core/validation.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "util/text.hpp"

namespace visionary::core {
namespace {

// Sampler and checkpoint names are the engine's own; this only bounds them.
constexpr std::size_t max_choice_name_bytes = 200;

std::string list_values(const option_values& options) {
  std::string out;
  for (const auto& v : options.values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// Control characters other than newline and tab: C0, DEL and the C1 range (U+0080..U+009F).
bool has_forbidden_control(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return true;
    if (c == 0xC2 && i + 1 < text.size()) {
      const auto next = static_cast<unsigned char>(text[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

// Characters that let a prompt disguise itself or its neighbours in the shared gallery: bidi
// embeddings, overrides and isolates, invisible spaces, line/paragraph separators and
// noncharacters. ZWJ/ZWNJ (emoji, Persian, Indic spelling) and the LRM/RLM marks stay allowed.
std::optional<std::string_view> disguising_kind(char32_t c) {
  if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
    return "a text-direction override";
  }
  if (c == 0x200B || c == 0x2060 || c == 0xFEFF || c == 0x180E) return "an invisible character";
  if (c == 0x2028 || c == 0x2029) return "a line or paragraph separator";
  if ((c >= 0xFDD0 && c <= 0xFDEF) || (c & 0xFFFE) == 0xFFFE) return "a noncharacter";
  return std::nullopt;
}

std::string code_point_name(char32_t c) {
  char hex[16];
  std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(c));
  return hex;
}

outcome<void> check_disguising_characters(std::string_view prompt) {
  for (const char32_t c : util::utf8_code_points(prompt)) {
    if (const auto kind = disguising_kind(c)) {
      return make_error(error_kind::invalid_request,
                        "The prompt contains " + code_point_name(c) + " (" + std::string(*kind) +
                            "), which can disguise text in the shared gallery; remove it.");
    }
  }
  return {};
}

outcome<std::optional<std::string>> check_option(const std::optional<std::string>& value,
                                                 const std::optional<option_values>& allowed,
                                                 std::string_view field) {
  if (!value) return std::optional<std::string>{};
  if (!allowed) {
    return make_field_error(std::string(field), "The current model does not support the '" +
                                                    std::string(field) + "' option.");
  }
  if (!allowed->allows(*value)) {
    return make_field_error(std::string(field),
                            "Unsupported " + std::string(field) + " '" + *value +
                                "'. Choose one of: " + list_values(*allowed) + ".");
  }
  return std::optional<std::string>{*value};
}

}  // namespace

std::size_t prompt_limit(const model_capabilities& capabilities, std::size_t configured) {
  return std::min(capabilities.max_prompt_chars, configured);
}

outcome<std::string> validate_prompt(const std::string& raw, std::size_t limit) {
  if (!util::is_valid_utf8(raw)) {
    return make_error(error_kind::invalid_request, "The prompt is not valid UTF-8 text.");
  }
  const std::string_view prompt = util::trim(raw);
  if (prompt.empty()) return make_error(error_kind::invalid_request, "Prompt must not be empty.");
  if (has_forbidden_control(prompt)) {
    return make_error(
        error_kind::invalid_request,
        "The prompt contains control characters; only text, newlines and tabs are allowed.");
  }
  if (auto plain = check_disguising_characters(prompt); !plain) return plain.error();
  const std::size_t length = util::utf8_length(prompt);
  if (length > limit) {
    return make_error(error_kind::invalid_request, "The prompt is " + std::to_string(length) +
                                                       " characters long; the limit is " +
                                                       std::to_string(limit) + ".");
  }
  return std::string(prompt);
}

namespace {

app_error invalid(std::string message) {
  return make_error(error_kind::invalid_request, std::move(message));
}

app_error invalid_field(std::string_view field, std::string message) {
  return make_field_error(std::string(field), std::move(message));
}

// The same failure, naming the request field at fault.
app_error at_field(app_error error, std::string_view field) {
  error.param = std::string(field);
  return error;
}

std::string with_thousands(std::uint64_t value) {
  const std::string digits = std::to_string(value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

outcome<void> check_custom_size(std::string_view size, const custom_size_rule& rule) {
  const auto parsed = parse_size(size);
  if (!parsed) return invalid("The size '" + std::string(size) + "' is not of the form WxH.");
  const auto [w, h] = *parsed;
  const std::string named = "The size " + std::string(size);
  if (w % rule.multiple_of != 0 || h % rule.multiple_of != 0)
    return invalid(named + " is not allowed: both edges must be multiples of " +
                   std::to_string(rule.multiple_of) + ".");
  if (std::min(w, h) < rule.min_edge || std::max(w, h) > rule.max_edge)
    return invalid(named + " is not allowed: each edge must be from " +
                   std::to_string(rule.min_edge) + " to " + std::to_string(rule.max_edge) +
                   " pixels.");
  if (double(std::max(w, h)) > rule.max_aspect * double(std::min(w, h)))
    return invalid(named + " is not allowed: the aspect ratio must be between 1:" +
                   util::format_decimal(rule.max_aspect) + " and " +
                   util::format_decimal(rule.max_aspect) + ":1.");
  const auto pixels = std::uint64_t(w) * std::uint64_t(h);
  if (pixels < rule.min_pixels || pixels > rule.max_pixels)
    return invalid(named + " has " + with_thousands(pixels) + " pixels; the model takes from " +
                   with_thousands(rule.min_pixels) + " to " + with_thousands(rule.max_pixels) +
                   ".");
  return {};
}

outcome<const offered_model*> choose_model(const generation_input& input, const model_menu& menu) {
  if (!input.model) return &menu.default_model();
  if (const auto* found = menu.find(*input.model)) return found;
  std::string names;
  for (const auto& m : menu.models()) names += (names.empty() ? "" : ", ") + m.name;
  return invalid_field("model",
                       "Unknown model '" + *input.model + "'. Choose one of: " + names + ".");
}

outcome<void> unsupported(const model_capabilities& c, std::string_view field) {
  return invalid_field(
      field, "The model " + c.id + " does not support the '" + std::string(field) + "' option.");
}

outcome<void> check_output(const generation_input& input, const model_capabilities& c,
                           generation_request& request) {
  auto background = check_option(input.background, c.background, "background");
  if (!background) return background.error();
  auto format = check_option(input.output_format, c.output_format, "output_format");
  if (!format) return format.error();
  auto moderation = check_option(input.moderation, c.moderation, "moderation");
  if (!moderation) return moderation.error();
  request.background = *background;
  request.output_format = *format;
  request.moderation = *moderation;
  const std::string effective_format =
      format->value_or(c.output_format ? c.output_format->default_value : "png");
  if (background->value_or("") == "transparent" && effective_format == "jpeg")
    return invalid_field("background",
                         "A transparent background needs png or webp output, not jpeg.");
  if (!input.output_compression) return {};
  if (!c.output_compression) return unsupported(c, "output_compression");
  if (*input.output_compression < 0 || *input.output_compression > 100)
    return invalid_field("output_compression",
                         "The field 'output_compression' must be a whole number from 0 to 100.");
  if (effective_format == "png")
    return invalid_field("output_compression",
                         "The field 'output_compression' applies to jpeg and webp output only.");
  request.output_compression = int(*input.output_compression);
  return {};
}

outcome<std::optional<int>> check_steps(const generation_input& input,
                                        const engine_controls& controls,
                                        const model_capabilities& c) {
  if (!input.steps) return std::optional<int>{};
  if (!controls.steps) return unsupported(c, "steps").error();
  const auto& r = *controls.steps;
  if (*input.steps != std::floor(*input.steps) || *input.steps < r.min || *input.steps > r.max)
    return invalid_field("steps", "The field 'steps' must be a whole number from " +
                                      std::to_string(int(r.min)) + " to " +
                                      std::to_string(int(r.max)) + ".");
  return std::optional<int>{int(*input.steps)};
}

// A number within the model's range for the control; the error names the field.
outcome<std::optional<double>> check_number(const std::optional<double>& value,
                                            const std::optional<number_range>& range,
                                            std::string_view field, const model_capabilities& c) {
  if (!value) return std::optional<double>{};
  if (!range) return unsupported(c, field).error();
  if (*value < range->min || *value > range->max)
    return invalid_field(field, "The field '" + std::string(field) + "' must be from " +
                                    util::format_decimal(range->min) + " to " +
                                    util::format_decimal(range->max) + ".");
  return value;
}

outcome<std::optional<std::string>> check_choice_name(const std::optional<std::string>& value,
                                                      bool supported, std::string_view field,
                                                      const model_capabilities& c) {
  if (!value) return std::optional<std::string>{};
  if (!supported) return unsupported(c, field).error();
  if (value->empty() || value->size() > max_choice_name_bytes || has_forbidden_control(*value) ||
      !util::is_valid_utf8(*value))
    return invalid_field(field, "The field '" + std::string(field) + "' must be a name of 1 to " +
                                    std::to_string(max_choice_name_bytes) + " characters.");
  return value;
}

outcome<void> check_engine(const generation_input& input, const model_capabilities& c,
                           engine_settings& engine) {
  const auto& controls = c.controls;
  if (input.negative_prompt && !input.negative_prompt->empty()) {
    if (!controls.negative_prompt) return unsupported(c, "negative_prompt");
    auto text = validate_prompt(*input.negative_prompt, max_negative_prompt_chars);
    if (!text) return invalid_field("negative_prompt", "Negative prompt: " + text.error().message);
    engine.negative_prompt = std::move(*text);
  }
  if (input.seed) {
    if (!controls.seed) return unsupported(c, "seed");
    if (*input.seed < 0 || *input.seed > max_seed)
      return invalid_field("seed", "The field 'seed' must be a whole number from 0 to " +
                                       std::to_string(max_seed) + ".");
    engine.seed = *input.seed;
  }
  auto steps = check_steps(input, controls, c);
  if (!steps) return steps.error();
  engine.steps = *steps;
  auto cfg_scale = check_number(input.cfg_scale, controls.cfg_scale, "cfg_scale", c);
  if (!cfg_scale) return cfg_scale.error();
  engine.cfg_scale = *cfg_scale;
  auto denoising =
      check_number(input.denoising_strength, controls.denoising_strength, "denoising_strength", c);
  if (!denoising) return denoising.error();
  engine.denoising_strength = *denoising;
  auto sampler = check_choice_name(input.sampler, controls.sampler, "sampler", c);
  if (!sampler) return sampler.error();
  auto checkpoint = check_choice_name(input.checkpoint, controls.checkpoint, "checkpoint", c);
  if (!checkpoint) return checkpoint.error();
  engine.sampler = *sampler;
  engine.checkpoint = *checkpoint;
  return {};
}

outcome<void> check_size_and_count(const generation_input& input, const model_capabilities& c,
                                   generation_request& request) {
  request.size = input.size.value_or(c.size.default_value);
  if (auto size = validate_size(request.size, c); !size) return at_field(size.error(), "size");
  if (input.n) {
    if (*input.n < 1 || *input.n > c.max_n)
      return invalid_field("n",
                           "The field 'n' must be between 1 and " + std::to_string(c.max_n) + ".");
    request.n = int(*input.n);
  }
  return {};
}

}  // namespace

outcome<void> validate_size(std::string_view size, const model_capabilities& c) {
  if (c.size.allows(size)) return {};
  if (c.custom_size && size != "auto") return check_custom_size(size, *c.custom_size);
  return invalid("Unsupported size '" + std::string(size) +
                 "'. Choose one of: " + list_values(c.size) + ".");
}

outcome<core::generation_request> validate_generation(const generation_input& input,
                                                      const model_menu& menu,
                                                      std::size_t max_prompt_chars) {
  if (!input.prompt) return invalid_field("prompt", "The field 'prompt' is required.");
  const auto chosen = choose_model(input, menu);
  if (!chosen) return chosen.error();
  const offered_model* model = *chosen;
  const auto& c = model->capabilities;
  auto prompt = validate_prompt(*input.prompt, prompt_limit(c, max_prompt_chars));
  if (!prompt) return at_field(prompt.error(), "prompt");

  core::generation_request request;
  request.prompt = std::move(*prompt);
  request.model = model->name;
  if (auto checked = check_size_and_count(input, c, request); !checked) return checked.error();
  auto quality = check_option(input.quality, c.quality, "quality");
  if (!quality) return quality.error();
  request.quality = *quality;
  auto style = check_option(input.style, c.style, "style");
  if (!style) return style.error();
  request.style = *style;
  if (auto output = check_output(input, c, request); !output) return output.error();
  if (auto engine = check_engine(input, c, request.engine); !engine) return engine.error();
  return request;
}

outcome<core::generation_request> validate_generation(const generation_input& input,
                                                      const model_capabilities& capabilities,
                                                      std::size_t max_prompt_chars) {
  const model_menu only(offered_model{capabilities.id, capabilities});
  return validate_generation(input, only, max_prompt_chars);
}

outcome<int> parse_count(std::optional<std::string_view> text, int fallback, int max,
                         std::string_view what) {
  if (!text) return fallback;
  const auto value = util::parse_number<int>(*text);
  if (!value || *value < 1 || *value > max) {
    return make_error(
        error_kind::invalid_request,
        std::string(what) + " must be a whole number from 1 to " + std::to_string(max) + ".");
  }
  return *value;
}

outcome<int> parse_page_limit(std::optional<std::string_view> text) {
  return parse_count(text, default_page_size, max_page_size, "The limit");
}

}  // namespace visionary::core

namespace visionary::core {
namespace {

// The choice when the engine lists it; the error names a few of the ones it offers.
outcome<void> check_listed(const std::optional<std::string>& chosen,
                           const std::vector<std::string>& listed, std::string_view field) {
  if (!chosen || listed.empty()) return {};
  if (std::find(listed.begin(), listed.end(), *chosen) != listed.end()) return {};
  constexpr std::size_t names_shown = 8;
  std::string offered;
  for (std::size_t i = 0; i < listed.size() && i < names_shown; ++i) {
    offered += (i == 0 ? "" : ", ") + listed[i];
  }
  if (listed.size() > names_shown) offered += ", …";
  return invalid("The " + std::string(field) + " '" + *chosen +
                 "' is not one the engine offers; choose one of: " + offered + ".");
}

}  // namespace

outcome<void> validate_engine_choices(const engine_settings& settings,
                                      const engine_choices& choices) {
  if (auto sampler = check_listed(settings.sampler, choices.samplers, "sampler"); !sampler)
    return sampler;
  return check_listed(settings.checkpoint, choices.checkpoints, "checkpoint");
}

}  // namespace visionary::core
