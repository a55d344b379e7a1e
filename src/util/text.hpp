// Text helpers: UTF-8 validation, one-line excerpts, percent-encoding, trimming and ASCII slugs.
// Pure functions; thread-safe.
#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace visionary::util {

[[nodiscard]] bool is_valid_utf8(std::string_view text);
// Number of code points; the text must be valid UTF-8.
[[nodiscard]] std::size_t utf8_length(std::string_view text);
// The code points of valid UTF-8 text, in order.
[[nodiscard]] std::u32string utf8_code_points(std::string_view text);
// Longest prefix of at most max_bytes bytes that ends on a code point boundary.
[[nodiscard]] std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

// Text from elsewhere (a provider's words) made fit for one line of a message or a log: control
// characters (C0, DEL, C1, line and paragraph separators, bidirectional controls) become spaces,
// bytes that are not UTF-8 become '?', outer spaces go, and at most max_bytes bytes remain (cut on
// a code point boundary; a cut ends in "…").
[[nodiscard]] std::string single_line(std::string_view text, std::size_t max_bytes);

// Unicode-aware trim of ASCII whitespace plus NBSP/ideographic space at both ends.
[[nodiscard]] std::string_view trim(std::string_view text);

// RFC 3986: every byte except unreserved (A-Z a-z 0-9 - . _ ~) becomes %XX (upper-case hex),
// which is also what JavaScript's encodeURIComponent produces for these inputs minus !*'().
[[nodiscard]] std::string percent_encode(std::string_view text);
// Same, but keeps '/' so a blob path stays readable in a URL.
[[nodiscard]] std::string percent_encode_path(std::string_view text);
// Strict: nullopt for a '%' not followed by two hex digits. '+' is left as is.
[[nodiscard]] std::optional<std::string> percent_decode(std::string_view text);

// Short lowercase ASCII slug ("A Red Fox, at dawn!" -> "a-red-fox-at-dawn"); "image" when empty.
[[nodiscard]] std::string slugify(std::string_view text, std::size_t max_length);

[[nodiscard]] std::string to_lower_ascii(std::string_view text);
[[nodiscard]] bool iequals_ascii(std::string_view a, std::string_view b);
[[nodiscard]] bool starts_with(std::string_view text, std::string_view prefix);

// The whole text as a number (integer or floating point), else nullopt: no sign games, no
// leading spaces, no trailing characters.
template <class Number>
[[nodiscard]] std::optional<Number> parse_number(std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A number as people write it: "3", "7.5", "0.125" (shortest form, no exponent for everyday
// values).
[[nodiscard]] std::string format_decimal(double value);

// A base URL without its trailing slashes, so that base + "/path" never doubles them.
[[nodiscard]] std::string without_trailing_slashes(std::string_view url);

// The media type of a file from its extension (case-insensitive); application/octet-stream when
// unknown. Text types carry "; charset=utf-8".
[[nodiscard]] std::string_view content_type_for_name(std::string_view name);

}  // namespace visionary::util
