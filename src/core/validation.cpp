#include "core/validation.hpp"

#include <charconv>
#include <cstdio>

#include "util/text.hpp"

namespace visionary::core {
namespace {

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
    return make_error(error_kind::invalid_request, "The current model does not support the '" +
                                                       std::string(field) + "' option.");
  }
  if (!allowed->allows(*value)) {
    return make_error(error_kind::invalid_request,
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

outcome<core::generation_request> validate_generation(const generation_input& input,
                                                      const model_capabilities& capabilities,
                                                      std::size_t max_prompt_chars) {
  if (!input.prompt)
    return make_error(error_kind::invalid_request, "The field 'prompt' is required.");
  auto prompt = validate_prompt(*input.prompt, prompt_limit(capabilities, max_prompt_chars));
  if (!prompt) return prompt.error();

  core::generation_request request;
  request.prompt = std::move(*prompt);
  if (input.size) {
    if (!capabilities.size.allows(*input.size)) {
      return make_error(error_kind::invalid_request,
                        "Unsupported size '" + *input.size +
                            "'. Choose one of: " + list_values(capabilities.size) + ".");
    }
    request.size = *input.size;
  } else {
    request.size = capabilities.size.default_value;
  }
  auto quality = check_option(input.quality, capabilities.quality, "quality");
  if (!quality) return quality.error();
  request.quality = *quality;
  auto style = check_option(input.style, capabilities.style, "style");
  if (!style) return style.error();
  request.style = *style;
  if (input.n) {
    if (*input.n < 1 || *input.n > capabilities.max_n) {
      return make_error(error_kind::invalid_request, "The field 'n' must be between 1 and " +
                                                         std::to_string(capabilities.max_n) + ".");
    }
    request.n = int(*input.n);
  }
  return request;
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
