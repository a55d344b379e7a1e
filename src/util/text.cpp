#include "util/text.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace visionary::util {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string encode(std::string_view text, bool keep_slash) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out += char(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = std::uint8_t(text[i]);
    std::size_t extra;
    std::uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cc = std::uint8_t(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    // Reject overlong forms, UTF-16 surrogates and code points beyond U+10FFFF.
    if ((extra == 1 && code < 0x80) || (extra == 2 && code < 0x800) ||
        (extra == 3 && code < 0x10000) || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::size_t utf8_length(std::string_view text) {
  std::size_t count = 0;
  for (unsigned char c : text) {
    if ((c & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::u32string utf8_code_points(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  std::uint32_t code = 0;
  for (const auto byte : text) {
    const auto c = std::uint8_t(byte);
    if ((c & 0xC0) == 0x80) {  // continuation: six more bits of the current code point
      code = (code << 6) | (c & 0x3F);
      out.back() = char32_t(code);
      continue;
    }
    code = c < 0x80             ? c
           : (c & 0xE0) == 0xC0 ? (c & 0x1F)
           : (c & 0xF0) == 0xE0 ? (c & 0x0F)
                                : (c & 0x07);
    out.push_back(char32_t(code));
  }
  return out;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t end = max_bytes;
  while (end > 0 && (std::uint8_t(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

namespace {

// Code points that would break a line or reorder the text shown around them.
bool is_layout_control(std::uint32_t code) {
  return code < 0x20 || (code >= 0x7F && code <= 0x9F) || code == 0x200E || code == 0x200F ||
         (code >= 0x2028 && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

// Bytes in the UTF-8 sequence a lead byte starts (1 for ASCII and for bytes that lead nothing).
std::size_t sequence_length(unsigned char lead) {
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

// The code point of one valid UTF-8 sequence.
std::uint32_t code_point(std::string_view sequence) {
  const auto lead = std::uint8_t(sequence[0]);
  if (sequence.size() == 1) return lead;
  std::uint32_t code = lead & (0x7F >> sequence.size());
  for (std::size_t k = 1; k < sequence.size(); ++k) code = (code << 6) | (sequence[k] & 0x3F);
  return code;
}

}  // namespace

std::string single_line(std::string_view text, std::size_t max_bytes) {
  constexpr std::string_view ellipsis = "\u2026";
  const bool cut = text.size() > max_bytes;
  const auto kept =
      utf8_prefix(text, cut ? max_bytes - std::min(max_bytes, ellipsis.size()) : max_bytes);
  std::string line;
  line.reserve(kept.size() + ellipsis.size());
  for (std::size_t i = 0; i < kept.size();) {
    const auto piece = kept.substr(i, sequence_length(std::uint8_t(kept[i])));
    if (!is_valid_utf8(piece)) {
      line += '?';
      ++i;
      continue;
    }
    line += is_layout_control(code_point(piece)) ? std::string_view(" ") : piece;
    i += piece.size();
  }
  line = std::string(trim(line));
  if (cut) line += ellipsis;
  return line;
}

std::string_view trim(std::string_view text) {
  auto leading = [](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    const unsigned char c = t[0];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (t.size() >= 2 && c == 0xC2 && std::uint8_t(t[1]) == 0xA0) return 2;  // NBSP
    if (t.size() >= 3 && c == 0xE3 && std::uint8_t(t[1]) == 0x80 && std::uint8_t(t[2]) == 0x80)
      return 3;  // ideographic space
    return 0;
  };
  auto trailing = [](std::string_view t) -> std::size_t {
    if (t.empty()) return 0;
    const unsigned char c = t.back();
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') return 1;
    if (t.size() >= 2 && std::uint8_t(t[t.size() - 2]) == 0xC2 && c == 0xA0) return 2;
    if (t.size() >= 3 && std::uint8_t(t[t.size() - 3]) == 0xE3 &&
        std::uint8_t(t[t.size() - 2]) == 0x80 && c == 0x80)
      return 3;
    return 0;
  };
  while (std::size_t n = leading(text)) text.remove_prefix(n);
  while (std::size_t n = trailing(text)) text.remove_suffix(n);
  return text;
}

std::string percent_encode(std::string_view text) {
  return encode(text, false);
}
std::string percent_encode_path(std::string_view text) {
  return encode(text, true);
}

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += char(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string slugify(std::string_view text, std::size_t max_length) {
  // Latin-1 letters U+00C0..U+00FF folded to ASCII ("café" -> "cafe"); '-' marks × and ÷.
  static constexpr std::string_view latin1_fold =
      "aaaaaaaceeeeiiiidnooooo-ouuuuytsaaaaaaaceeeeiiiidnooooo-ouuuuyty";
  std::string out;
  bool pending_dash = false;
  auto append = [&](char c) {
    if (pending_dash && !out.empty()) out += '-';
    pending_dash = false;
    out += c;
  };
  for (std::size_t i = 0; i < text.size() && out.size() < max_length; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      append(char(c));
    } else if (c >= 'A' && c <= 'Z') {
      append(char(c - 'A' + 'a'));
    } else if (c == 0xC3 && i + 1 < text.size() &&
               (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      const char folded = latin1_fold[(static_cast<unsigned char>(text[i + 1]) & 0x3F)];
      if (folded == '-')
        pending_dash = true;
      else
        append(folded);
      ++i;
    } else if (c < 0x80 || (c & 0xC0) != 0x80) {
      // ASCII punctuation/space or the first byte of another non-ASCII character separates words.
      pending_dash = true;
    }
  }
  while (out.size() > max_length || (!out.empty() && out.back() == '-')) out.pop_back();
  return out.empty() ? "image" : out;
}

std::string to_lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

std::string without_trailing_slashes(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  return std::string(url);
}

std::string_view content_type_for_name(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> types[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".webp", "image/webp"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".ico", "image/x-icon"},
  };
  for (const auto& [extension, type] : types) {
    if (name.size() >= extension.size() &&
        iequals_ascii(name.substr(name.size() - extension.size()), extension)) {
      return type;
    }
  }
  return "application/octet-stream";
}

std::string format_decimal(double value) {
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc{} ? std::string(buffer, end) : std::to_string(value);
}

}  // namespace visionary::util
