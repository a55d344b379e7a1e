#include "imaging/png_text.hpp"

#include <algorithm>
#include <array>

namespace visionary::imaging {
namespace {

constexpr std::string_view png_signature = "\x89PNG\r\n\x1a\n";

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  return (std::uint32_t(std::uint8_t(bytes[at])) << 24) |
         (std::uint32_t(std::uint8_t(bytes[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(bytes[at + 2])) << 8) |
         std::uint32_t(std::uint8_t(bytes[at + 3]));
}

void append_u32(std::string& out, std::uint32_t v) {
  out += char(v >> 24);
  out += char((v >> 16) & 0xFF);
  out += char((v >> 8) & 0xFF);
  out += char(v & 0xFF);
}

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t n = 0; n < 256; ++n) {
    std::uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[n] = c;
  }
  return table;
}

constexpr auto crc_table = make_crc_table();

// The PNG rule for keywords: 1 to 79 printable Latin-1 bytes (32-126, 161-255), no leading,
// trailing or consecutive spaces. A NUL would end the keyword early, so the text could not be found
// by its keyword again.
bool is_png_keyword(std::string_view keyword) {
  if (keyword.empty() || keyword.size() > 79 || keyword.front() == ' ' || keyword.back() == ' ' ||
      keyword.find("  ") != std::string_view::npos) {
    return false;
  }
  return std::all_of(keyword.begin(), keyword.end(), [](char c) {
    const auto b = std::uint8_t(c);
    return (b >= 32 && b <= 126) || b >= 161;
  });
}

}  // namespace

bool has_png_signature(std::string_view bytes) {
  return bytes.substr(0, png_signature.size()) == png_signature;
}

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = crc_table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

std::optional<std::string> insert_png_itxt(std::string_view png, std::string_view keyword,
                                           std::string_view text) {
  // Signature (8) + IHDR chunk (4 length + 4 type + 13 data + 4 crc).
  constexpr std::size_t ihdr_end = 8 + 25;
  if (!has_png_signature(png) || png.size() < ihdr_end || read_u32(png, 8) != 13 ||
      png.substr(12, 4) != "IHDR" || !is_png_keyword(keyword)) {
    return std::nullopt;
  }
  std::string chunk = "iTXt";
  chunk += keyword;
  chunk += '\0';
  chunk += '\0';  // not compressed
  chunk += '\0';  // compression method
  chunk += '\0';  // no language tag
  chunk += '\0';  // no translated keyword
  chunk += text;
  std::string out;
  out.reserve(png.size() + chunk.size() + 8);
  out.append(png.substr(0, ihdr_end));
  append_u32(out, std::uint32_t(chunk.size() - 4));
  out += chunk;
  append_u32(out, crc32(chunk));
  out.append(png.substr(ihdr_end));
  return out;
}

std::optional<std::string> find_png_text(std::string_view png, std::string_view keyword) {
  if (!has_png_signature(png)) return std::nullopt;
  std::size_t at = 8;
  while (at + 12 <= png.size()) {
    const std::uint32_t length = read_u32(png, at);
    const std::string_view type = png.substr(at + 4, 4);
    if (type == "IDAT" || type == "IEND") return std::nullopt;
    if (at + 12 + std::size_t(length) > png.size()) return std::nullopt;
    const std::string_view data = png.substr(at + 8, length);
    if (type == "tEXt" || type == "iTXt") {
      const std::size_t nul = data.find('\0');
      if (nul != std::string_view::npos && data.substr(0, nul) == keyword) {
        if (type == "tEXt") return std::string(data.substr(nul + 1));
        // iTXt: compression flag, method, language\0, translated keyword\0, text
        if (data.size() < nul + 3 || data[nul + 1] != '\0') return std::nullopt;
        const std::size_t language_end = data.find('\0', nul + 3);
        if (language_end == std::string_view::npos) return std::nullopt;
        const std::size_t translated_end = data.find('\0', language_end + 1);
        if (translated_end == std::string_view::npos) return std::nullopt;
        return std::string(data.substr(translated_end + 1));
      }
    }
    at += 12 + std::size_t(length);
  }
  return std::nullopt;
}

}  // namespace visionary::imaging
