#include "imaging/image_codec.hpp"

#include <vips/vips.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "imaging/png_text.hpp"
#include "imaging/xmp_text.hpp"

namespace visionary::imaging {
namespace {

struct gobject_deleter {
  void operator()(VipsImage* image) const { g_object_unref(image); }
};
using image_ptr = std::unique_ptr<VipsImage, gobject_deleter>;

struct gfree_deleter {
  void operator()(void* p) const { g_free(p); }
};

std::string take_vips_error() {
  std::string message = vips_error_buffer();
  vips_error_clear();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

outcome<std::string> save(VipsImage* image, bool webp) {
  void* buffer = nullptr;
  std::size_t length = 0;
  const int rc = webp ? vips_webpsave_buffer(image, &buffer, &length, "Q", 78, "strip", TRUE,
                                             "effort", 2, nullptr)
                      : vips_pngsave_buffer(image, &buffer, &length, "compression", 6, nullptr);
  if (rc != 0) {
    return make_error(error_kind::internal_error, "image encoding failed: " + take_vips_error());
  }
  std::unique_ptr<void, gfree_deleter> owned(buffer);
  return std::string(static_cast<const char*>(buffer), length);
}

std::string format_of_loader(std::string_view loader) {
  if (loader.find("Png") != std::string_view::npos) return "png";
  if (loader.find("Jpeg") != std::string_view::npos) return "jpeg";
  if (loader.find("Webp") != std::string_view::npos) return "webp";
  if (loader.find("Gif") != std::string_view::npos) return "gif";
  return "other";
}

}  // namespace

void initialize(const char* program_name) {
  // libvips would load its optional modules (ImageMagick, poppler, HEIF, JPEG XL, OpenSlide) from
  // $VIPSHOME/lib. Pointing VIPSHOME elsewhere keeps them out: the formats we accept (PNG, JPEG,
  // WebP) are built in, provider output never reaches those larger parsers, and the idle process
  // stays smaller. An administrator's own VIPSHOME is respected.
  ::setenv("VIPSHOME", "/nonexistent/visionary-no-vips-modules", 0);
  if (VIPS_INIT(program_name) != 0) {
    throw std::runtime_error("libvips failed to start: " + take_vips_error());
  }
  // Every image is processed once; caching operations would only hold memory.
  vips_cache_set_max(0);
  vips_cache_set_max_mem(0);
  vips_concurrency_set(1);
}

namespace {

// The WebP thumbnail of decoded pixels, at most thumbnail_side on each edge.
outcome<void> add_thumbnail(VipsImage* decoded, prepared_image& result) {
  VipsImage* thumb_raw = nullptr;
  if (vips_thumbnail_image(decoded, &thumb_raw, thumbnail_side, "height", thumbnail_side, "size",
                           VIPS_SIZE_DOWN, nullptr) != 0) {
    return make_error(error_kind::internal_error, "thumbnail failed: " + take_vips_error());
  }
  image_ptr thumb(thumb_raw);
  result.thumbnail_width = vips_image_get_width(thumb.get());
  result.thumbnail_height = vips_image_get_height(thumb.get());
  auto webp = save(thumb.get(), true);
  if (!webp) return webp.error();
  result.thumbnail_webp = std::move(*webp);
  return {};
}

constexpr std::uint64_t rgba_bytes_per_pixel = 4;

outcome<std::string> embed_png(std::string_view png, const embedded_text& text) {
  auto with_text = insert_png_itxt(png, text.keyword, text.record);
  if (!with_text) {
    return make_error(error_kind::provider_error, "The image provider returned a malformed PNG.");
  }
  return std::move(*with_text);
}

// The provider's bytes with the text embedded; formats other than PNG, JPEG and WebP become PNG.
outcome<std::string> embed_text(std::string_view bytes, VipsImage* decoded, prepared_image& result,
                                const embedded_text& text) {
  result.format = result.source_format;
  if (result.format == "jpeg") {
    auto with_xmp = insert_jpeg_xmp(bytes, xmp_packet(text.description, text.record));
    if (!with_xmp) with_xmp = insert_jpeg_xmp(bytes, xmp_packet("", text.record));
    if (with_xmp) return std::move(*with_xmp);
    return std::string(bytes);  // the blob's metadata still holds the prompt and settings
  }
  if (result.format == "webp") {
    const bool alpha = vips_image_hasalpha(decoded);
    auto with_xmp = insert_webp_xmp(bytes, xmp_packet(text.description, text.record), result.width,
                                    result.height, alpha);
    if (!with_xmp) {
      return make_error(error_kind::provider_error,
                        "The image provider returned a malformed WebP.");
    }
    return std::move(*with_xmp);
  }
  if (result.format == "png") return embed_png(bytes, text);
  result.format = "png";
  auto png = save(decoded, false);
  if (!png) return png.error();
  return embed_png(*png, text);
}

// What decoding every pixel would take, from the header alone.
std::uint64_t decoded_bytes(VipsImage* header) {
  return std::uint64_t(vips_image_get_width(header)) *
         std::uint64_t(vips_image_get_height(header)) *
         std::uint64_t(vips_image_get_bands(header)) *
         std::uint64_t(vips_format_sizeof(vips_image_get_format(header)));
}

}  // namespace

outcome<prepared_image> prepare_image(std::string_view bytes, const embedded_text& text,
                                      std::uint64_t max_pixels) {
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (loader == nullptr) {
    vips_error_clear();
    return make_error(error_kind::provider_error,
                      "The image provider returned data that is not an image.");
  }
  prepared_image result;
  result.source_format = format_of_loader(loader);
  if (result.source_format == "other" || result.source_format == "gif") {
    return make_error(error_kind::provider_error,
                      "The image provider returned an unsupported image format.");
  }
  image_ptr header(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "fail_on",
                                              VIPS_FAIL_ON_ERROR, nullptr));
  if (!header) {
    return make_error(error_kind::provider_error,
                      "The image provider returned a damaged image: " + take_vips_error());
  }
  result.width = vips_image_get_width(header.get());
  result.height = vips_image_get_height(header.get());
  if (result.width <= 0 || result.height <= 0 || result.width > max_image_side ||
      result.height > max_image_side) {
    return make_error(error_kind::provider_error,
                      "The image provider returned an image of unsupported dimensions.");
  }
  const auto pixels = std::uint64_t(result.width) * std::uint64_t(result.height);
  if (pixels > max_pixels || decoded_bytes(header.get()) > max_pixels * rgba_bytes_per_pixel) {
    return make_error(error_kind::provider_error,
                      "The image provider returned an image too large to process (" +
                          std::to_string(result.width) + "x" + std::to_string(result.height) +
                          "); the limit is " + std::to_string(max_pixels) + " pixels.");
  }
  // Decode every pixel once: corrupt data fails here, and the thumbnail reuses the pixels.
  image_ptr decoded(vips_image_copy_memory(header.get()));
  if (!decoded) {
    return make_error(error_kind::provider_error,
                      "The image provider returned a damaged image: " + take_vips_error());
  }

  auto encoded = embed_text(bytes, decoded.get(), result, text);
  if (!encoded) return encoded.error();
  result.encoded = std::move(*encoded);
  if (auto made = add_thumbnail(decoded.get(), result); !made) return made.error();
  return result;
}

outcome<std::string> make_preview_webp(std::string_view bytes, std::uint64_t max_pixels) {
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  if (loader == nullptr || format_of_loader(loader) == "other" ||
      format_of_loader(loader) == "gif") {
    vips_error_clear();
    return make_error(error_kind::provider_error, "The preview is not a supported image.");
  }
  image_ptr header(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", nullptr));
  if (!header) return make_error(error_kind::provider_error, "The preview is damaged.");
  const auto pixels = std::uint64_t(vips_image_get_width(header.get())) *
                      std::uint64_t(vips_image_get_height(header.get()));
  if (pixels == 0 || pixels > max_pixels ||
      decoded_bytes(header.get()) > max_pixels * rgba_bytes_per_pixel) {
    return make_error(error_kind::provider_error, "The preview is too large.");
  }
  VipsImage* thumb_raw = nullptr;
  if (vips_thumbnail_image(header.get(), &thumb_raw, preview_side, "height", preview_side, "size",
                           VIPS_SIZE_DOWN, nullptr) != 0) {
    return make_error(error_kind::provider_error, "The preview is damaged: " + take_vips_error());
  }
  image_ptr thumb(thumb_raw);
  return save(thumb.get(), true);
}

outcome<std::string> encode_rgb(const std::vector<std::uint8_t>& rgb, int width, int height,
                                std::string_view format, int quality) {
  if (width <= 0 || height <= 0 || rgb.size() != std::size_t(width) * std::size_t(height) * 3) {
    return make_error(error_kind::internal_error, "RGB buffer does not match its dimensions");
  }
  image_ptr image(
      vips_image_new_from_memory(rgb.data(), rgb.size(), width, height, 3, VIPS_FORMAT_UCHAR));
  if (!image) return make_error(error_kind::internal_error, "vips: " + take_vips_error());
  if (format == "png") return save(image.get(), false);
  void* buffer = nullptr;
  std::size_t length = 0;
  const int rc =
      format == "jpeg"
          ? vips_jpegsave_buffer(image.get(), &buffer, &length, "Q", quality, nullptr)
          : vips_webpsave_buffer(image.get(), &buffer, &length, "Q", quality, "effort", 2, nullptr);
  if (rc != 0) return make_error(error_kind::internal_error, "encoding: " + take_vips_error());
  std::unique_ptr<void, gfree_deleter> owned(buffer);
  return std::string(static_cast<const char*>(buffer), length);
}

outcome<std::string> encode_png_rgb(const std::vector<std::uint8_t>& rgb, int width, int height) {
  return encode_rgb(rgb, width, height, "png");
}

namespace {

// Opens an upload's header after the checks every upload gets (format and pixels).
outcome<image_ptr> open_upload(std::string_view bytes, std::uint64_t max_pixels,
                               image_header& header) {
  const char* loader = vips_foreign_find_load_buffer(bytes.data(), bytes.size());
  const std::string format = loader != nullptr ? format_of_loader(loader) : "other";
  if (format != "png" && format != "jpeg" && format != "webp") {
    vips_error_clear();
    return make_error(error_kind::invalid_request, "is not a PNG, JPEG or WebP image");
  }
  image_ptr image(vips_image_new_from_buffer(bytes.data(), bytes.size(), "", "fail_on",
                                             VIPS_FAIL_ON_ERROR, nullptr));
  if (!image) {
    vips_error_clear();
    return make_error(error_kind::invalid_request, "is a damaged image");
  }
  header.format = format;
  header.width = vips_image_get_width(image.get());
  header.height = vips_image_get_height(image.get());
  header.has_alpha = vips_image_hasalpha(image.get()) != 0;
  const auto pixels = std::uint64_t(header.width) * std::uint64_t(header.height);
  if (header.width <= 0 || header.height <= 0 || header.width > max_image_side ||
      header.height > max_image_side || pixels > max_pixels ||
      decoded_bytes(image.get()) > max_pixels * rgba_bytes_per_pixel) {
    return make_error(error_kind::invalid_request,
                      "has too many pixels (" + std::to_string(header.width) + "x" +
                          std::to_string(header.height) + "; the limit is " +
                          std::to_string(max_pixels) + " pixels)");
  }
  return image;
}

// One vips step that makes a new image from `image`; false (with the error cleared) on failure.
template <class Step>
bool apply(image_ptr& image, Step step) {
  VipsImage* out = nullptr;
  if (step(image.get(), &out) != 0) {
    vips_error_clear();
    return false;
  }
  image.reset(out);
  return true;
}

}  // namespace

outcome<image_header> read_image_header(std::string_view bytes, std::uint64_t max_pixels) {
  image_header header;
  auto opened = open_upload(bytes, max_pixels, header);
  if (!opened) return opened.error();
  return header;
}

outcome<rgba_image> decode_rgba(std::string_view bytes, std::uint64_t max_pixels) {
  image_header header;
  auto opened = open_upload(bytes, max_pixels, header);
  if (!opened) return opened.error();
  image_ptr image = std::move(*opened);
  const bool converted =
      apply(image,
            [](VipsImage* in, VipsImage** out) {
              return vips_colourspace(in, out, VIPS_INTERPRETATION_sRGB, nullptr);
            }) &&
      apply(image,
            [](VipsImage* in, VipsImage** out) {
              return vips_cast(in, out, VIPS_FORMAT_UCHAR, nullptr);
            }) &&
      (vips_image_get_bands(image.get()) == 4 || apply(image, [](VipsImage* in, VipsImage** out) {
         return vips_bandjoin_const1(in, out, 255.0, nullptr);
       }));
  if (!converted || vips_image_get_bands(image.get()) != 4)
    return make_error(error_kind::invalid_request, "is an image that cannot be converted to RGBA");
  std::size_t length = 0;
  std::unique_ptr<void, gfree_deleter> memory(vips_image_write_to_memory(image.get(), &length));
  if (!memory || length != std::size_t(header.width) * std::size_t(header.height) * 4) {
    vips_error_clear();
    return make_error(error_kind::invalid_request, "is a damaged image");
  }
  const auto* first = static_cast<const std::uint8_t*>(memory.get());
  return rgba_image{header.width, header.height, std::vector<std::uint8_t>(first, first + length)};
}

std::string_view content_type_of_format(std::string_view format) {
  if (format == "jpeg") return "image/jpeg";
  if (format == "webp") return "image/webp";
  return "image/png";
}

std::string_view extension_of_format(std::string_view format) {
  if (format == "jpeg") return "jpg";
  if (format == "webp") return "webp";
  return "png";
}

std::optional<std::string> find_embedded_record(std::string_view bytes, std::string_view keyword) {
  if (has_png_signature(bytes)) return find_png_text(bytes, keyword);
  return find_xmp_record(bytes);
}

}  // namespace visionary::imaging
