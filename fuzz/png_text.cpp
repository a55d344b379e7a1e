// PNG text chunks: find_png_text on arbitrary bytes, and insert_png_itxt, whose chunk must be
// found again with its text and carry a correct CRC. The input's first line is the keyword.
#include "imaging/png_text.hpp"

#include <string>

#include "fuzz_check.hpp"

namespace {

using namespace visionary;
using fuzz::require;

std::uint32_t read_u32(std::string_view bytes, std::size_t at) {
  return (std::uint32_t(std::uint8_t(bytes[at])) << 24) |
         (std::uint32_t(std::uint8_t(bytes[at + 1])) << 16) |
         (std::uint32_t(std::uint8_t(bytes[at + 2])) << 8) |
         std::uint32_t(std::uint8_t(bytes[at + 3]));
}

void check_inserted(std::string_view png, std::string_view keyword, std::string_view text) {
  const auto with_text = imaging::insert_png_itxt(png, keyword, text);
  if (!with_text) return;
  require(with_text->size() == png.size() + 12 + keyword.size() + 5 + text.size(),
          "the inserted chunk has the expected size");
  // The chunk sits right after IHDR (byte 33); its CRC covers type and data.
  const std::uint32_t length = read_u32(*with_text, 33);
  require(read_u32(*with_text, 33 + 8 + length) ==
              imaging::crc32(std::string_view(*with_text).substr(33 + 4, 4 + length)),
          "the inserted chunk's CRC is right");
  const auto found = imaging::find_png_text(*with_text, keyword);
  require(found.has_value() && *found == text, "an inserted text is found again");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest = fuzz::as_text(data, size);
  const std::string_view keyword = fuzz::take_line(rest);
  (void)imaging::find_png_text(rest, keyword);
  (void)imaging::find_png_text(rest, "prompt");
  // The text to insert: the input's last bytes, up to 64.
  const std::string_view text = rest.substr(rest.size() - std::min<std::size_t>(rest.size(), 64));
  check_inserted(rest, keyword, text);
  return 0;
}
