#include "util/image_sniff.hpp"

namespace visionary::util {

std::optional<std::string_view> sniff_image_format(std::string_view bytes) {
  using namespace std::string_view_literals;
  if (bytes.starts_with("\x89PNG\r\n\x1a\n"sv)) return "png";
  if (bytes.starts_with("\xff\xd8\xff"sv)) return "jpeg";
  // RIFF, a 4-byte size, then WEBP and a VP8/VP8L/VP8X chunk.
  if (bytes.size() >= 16 && bytes.starts_with("RIFF"sv) && bytes.substr(8, 7) == "WEBPVP8"sv)
    return "webp";
  return std::nullopt;
}

}  // namespace visionary::util
