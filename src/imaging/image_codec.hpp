// Image work on libvips: verifying that bytes really are an image, converting to PNG, WebP
// thumbnails and encoding raw RGB. Call initialize() once at startup; every function after that is
// thread-safe (libvips is), and blocking: run them on the blocking pool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace visionary::imaging {

// Starts libvips with a small footprint (no operation cache, one worker per pipeline).
// Throws std::runtime_error when libvips cannot start.
void initialize(const char* program_name);

// What is written into a stored image besides its pixels.
struct embedded_text {
  std::string_view keyword;      // the PNG iTXt keyword of `record`
  std::string_view description;  // the prompt, as XMP dc:description in JPEG and WebP
  std::string_view record;       // our JSON: an iTXt chunk in PNG, XMP in JPEG and WebP
};

struct prepared_image {
  // The image as the provider made it (PNG, JPEG or WebP; anything else converted to PNG) with the
  // text embedded; not a pixel re-encoded.
  std::string encoded;
  std::string format;  // "png", "jpeg" or "webp": the format of `encoded`
  int width = 0;
  int height = 0;
  std::string source_format;  // "png", "jpeg", "webp", ...
  std::string thumbnail_webp;
  int thumbnail_width = 0;
  int thumbnail_height = 0;
};

inline constexpr int max_image_side = 8192;
inline constexpr int thumbnail_side = 384;
// The default for VISIONARY_MAX_IMAGE_PIXELS: 4096 x 4096, above the largest image any supported
// model makes. Decoding is refused beyond it, and beyond its size in 8-bit RGBA (so a 16-bit or
// many-band image of fewer pixels cannot take more memory either).
inline constexpr std::uint64_t default_max_image_pixels = 4096ull * 4096ull;

// Reads the header, refuses an image whose pixels would take more than max_pixels in 8-bit RGBA
// (before decoding a single one), then decodes the whole image (so truncated or corrupt data fails
// here, not in a browser), embeds the text (a JPEG whose XMP would not fit one segment keeps only
// the record) and renders the WebP thumbnail. provider_error when the bytes are not a decodable
// image.
[[nodiscard]] outcome<prepared_image> prepare_image(
    std::string_view bytes, const embedded_text& text,
    std::uint64_t max_pixels = default_max_image_pixels);

// "image/png", "image/jpeg", "image/webp" for the formats prepare_image() keeps.
[[nodiscard]] std::string_view content_type_of_format(std::string_view format);
// "png", "jpg", "webp": the blob name's extension.
[[nodiscard]] std::string_view extension_of_format(std::string_view format);
// Our record embedded in the first (PNG, JPEG) or last (WebP) bytes of a stored image.
[[nodiscard]] std::optional<std::string> find_embedded_record(std::string_view bytes,
                                                              std::string_view keyword);

// Encodes 8-bit RGB pixels (width*height*3) as "png", "jpeg" or "webp" (quality 1..100 for the
// lossy ones).
[[nodiscard]] outcome<std::string> encode_rgb(const std::vector<std::uint8_t>& rgb, int width,
                                              int height, std::string_view format,
                                              int quality = 90);

inline constexpr int preview_side = 256;

// A small WebP of an in-between picture (a job's live preview), at most preview_side on each
// edge; the same format and size checks as prepare_image, without the full-size PNG.
[[nodiscard]] outcome<std::string> make_preview_webp(
    std::string_view bytes, std::uint64_t max_pixels = default_max_image_pixels);

// What an uploaded image's header says (no pixel decoded).
struct image_header {
  std::string format;  // "png", "jpeg" or "webp"
  int width = 0;
  int height = 0;
  bool has_alpha = false;
};

// The header of an upload: invalid_request when the bytes are not a PNG, JPEG or WebP image, or
// when its pixels would take more than max_pixels in 8-bit RGBA (the message gives both).
[[nodiscard]] outcome<image_header> read_image_header(
    std::string_view bytes, std::uint64_t max_pixels = default_max_image_pixels);

// Every pixel of an image as 8-bit sRGB with alpha (width*height*4, opaque where the image has no
// alpha); the same checks as read_image_header, and damaged data fails here.
struct rgba_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;
};
[[nodiscard]] outcome<rgba_image> decode_rgba(std::string_view bytes,
                                              std::uint64_t max_pixels = default_max_image_pixels);

// Encodes 8-bit RGB pixels (width*height*3) as PNG.
[[nodiscard]] outcome<std::string> encode_png_rgb(const std::vector<std::uint8_t>& rgb, int width,
                                                  int height);

}  // namespace visionary::imaging
