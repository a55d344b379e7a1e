// Reading and writing PNG text chunks (iTXt, UTF-8) without re-encoding the image.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace visionary::imaging {

[[nodiscard]] bool has_png_signature(std::string_view bytes);
[[nodiscard]] std::uint32_t crc32(std::string_view bytes);
// Returns the PNG with an uncompressed iTXt chunk (keyword, UTF-8 text) inserted right after IHDR,
// so readers of the first few kilobytes find it; nullopt when the input is not a well-formed PNG or
// the keyword is not a PNG keyword (1-79 printable Latin-1 bytes, single inner spaces).
[[nodiscard]] std::optional<std::string> insert_png_itxt(std::string_view png,
                                                         std::string_view keyword,
                                                         std::string_view text);
// Finds the text of a tEXt or uncompressed iTXt chunk with this keyword before the image data.
// Works on a prefix of the file (e.g. a ranged read).
[[nodiscard]] std::optional<std::string> find_png_text(std::string_view png_prefix,
                                                       std::string_view keyword);

}  // namespace visionary::imaging
