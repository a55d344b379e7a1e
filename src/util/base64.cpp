#include "util/base64.hpp"

#include <array>
#include <cstdint>

namespace visionary::util {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) |
                      std::uint8_t(bytes[i + 2]);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint8_t(bytes[i]) << 16;
    if (rest == 2) v |= std::uint8_t(bytes[i + 1]) << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

std::optional<std::string> decode(std::string_view text, std::string_view alphabet, bool padded) {
  std::array<int, 256> lookup{};
  lookup.fill(-1);
  for (std::size_t i = 0; i < alphabet.size(); ++i) lookup[std::uint8_t(alphabet[i])] = int(i);

  std::size_t padding = 0;
  if (padded) {
    if (text.size() % 4 != 0) return std::nullopt;
    while (padding < 2 && !text.empty() && text.back() == '=') {
      text.remove_suffix(1);
      ++padding;
    }
  } else if (text.size() % 4 == 1) {
    return std::nullopt;
  }

  std::string out;
  out.reserve(text.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = lookup[std::uint8_t(c)];
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((buffer >> bits) & 0xFF);
    }
  }
  // Leftover bits must be zero, otherwise two different texts would decode to the same bytes.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  if (padded && (text.size() + padding) % 4 != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string base64_encode(std::string_view bytes) {
  return encode(bytes, standard_alphabet, true);
}
std::optional<std::string> base64_decode(std::string_view text) {
  return decode(text, standard_alphabet, true);
}
std::string base64url_encode(std::string_view bytes) {
  return encode(bytes, url_alphabet, false);
}
std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, url_alphabet, false);
}

}  // namespace visionary::util
