#include "imaging/image_codec.hpp"

#include <gtest/gtest.h>
#include <vips/vips.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "imaging/png_text.hpp"

namespace {

using namespace visionary::imaging;
using visionary::error_kind;

void ensure_vips() {
  static const bool started = [] {
    initialize("visionary_unit_tests");
    return true;
  }();
  (void)started;
}

std::vector<std::uint8_t> gradient(int width, int height) {
  std::vector<std::uint8_t> rgb(std::size_t(width) * height * 3);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      auto* p = &rgb[(std::size_t(y) * width + x) * 3];
      p[0] = std::uint8_t(x * 255 / width);
      p[1] = std::uint8_t(y * 255 / height);
      p[2] = std::uint8_t((x ^ y) & 0xFF);
    }
  }
  return rgb;
}

embedded_text text_of(std::string_view keyword, std::string_view record) {
  return embedded_text{keyword, "a fox in the snow", record};
}

std::string make_png(int width, int height) {
  ensure_vips();
  auto png = encode_png_rgb(gradient(width, height), width, height);
  EXPECT_TRUE(png.has_value());
  return png ? *png : std::string();
}

// JPEG bytes straight from libvips, as a provider that answers JPEG would send them.
std::string make_jpeg(int width, int height) {
  ensure_vips();
  const auto rgb = gradient(width, height);
  VipsImage* image =
      vips_image_new_from_memory(rgb.data(), rgb.size(), width, height, 3, VIPS_FORMAT_UCHAR);
  if (image == nullptr) return {};
  void* buffer = nullptr;
  std::size_t length = 0;
  const int rc = vips_jpegsave_buffer(image, &buffer, &length, "Q", 85, nullptr);
  g_object_unref(image);
  if (rc != 0) return {};
  std::string out(static_cast<const char*>(buffer), length);
  g_free(buffer);
  return out;
}

bool is_webp(std::string_view bytes) {
  return bytes.size() >= 12 && bytes.substr(0, 4) == "RIFF" && bytes.substr(8, 4) == "WEBP";
}

TEST(ImageCodec, EncodePngRgbChecksDimensions) {
  ensure_vips();
  const auto png = encode_png_rgb(gradient(4, 3), 4, 3);
  ASSERT_TRUE(png.has_value());
  EXPECT_TRUE(has_png_signature(*png));
  EXPECT_FALSE(encode_png_rgb(gradient(4, 3), 3, 4 + 1).has_value());
  EXPECT_FALSE(encode_png_rgb({}, 0, 0).has_value());
  EXPECT_FALSE(encode_png_rgb(gradient(4, 3), -4, -3).has_value());
}

TEST(ImageCodec, PreparesPngWithTextAndThumbnail) {
  const std::string png = make_png(600, 400);
  const auto prepared = prepare_image(png, text_of("visionary", "{\"prompt\":\"fox\"}"));
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->width, 600);
  EXPECT_EQ(prepared->height, 400);
  EXPECT_EQ(prepared->source_format, "png");
  EXPECT_TRUE(has_png_signature(prepared->encoded));
  EXPECT_EQ(find_png_text(prepared->encoded, "visionary"),
            std::optional<std::string>("{\"prompt\":\"fox\"}"));
  EXPECT_TRUE(is_webp(prepared->thumbnail_webp));
  EXPECT_EQ(std::max(prepared->thumbnail_width, prepared->thumbnail_height), thumbnail_side);
  EXPECT_EQ(prepared->thumbnail_width, 384);
  EXPECT_EQ(prepared->thumbnail_height, 256);
  EXPECT_LT(prepared->thumbnail_webp.size(), prepared->encoded.size());

  // The output is itself a valid PNG: preparing it again works and keeps the size.
  const auto again = prepare_image(prepared->encoded, text_of("other", "x"));
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ(again->width, 600);
  EXPECT_EQ(again->height, 400);
  // And the thumbnail decodes as a WebP of the reported size.
  const auto thumb = prepare_image(prepared->thumbnail_webp, text_of("t", "x"));
  ASSERT_TRUE(thumb.has_value()) << thumb.error().message;
  EXPECT_EQ(thumb->source_format, "webp");
  EXPECT_EQ(thumb->width, prepared->thumbnail_width);
  EXPECT_EQ(thumb->height, prepared->thumbnail_height);
}

TEST(ImageCodec, ThumbnailFitsLongSideOfPortraitImage) {
  const auto prepared = prepare_image(make_png(400, 600), text_of("visionary", "x"));
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->thumbnail_width, 256);
  EXPECT_EQ(prepared->thumbnail_height, 384);
}

TEST(ImageCodec, SmallImageIsNotUpscaled) {
  const auto prepared = prepare_image(make_png(100, 50), text_of("visionary", "x"));
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->thumbnail_width, 100);
  EXPECT_EQ(prepared->thumbnail_height, 50);
  EXPECT_TRUE(is_webp(prepared->thumbnail_webp));
}

TEST(ImageCodec, KeepsJpegAsItCameWithTheRecordAsXmp) {
  const std::string jpeg = make_jpeg(320, 200);
  ASSERT_GT(jpeg.size(), 3u);
  ASSERT_EQ(jpeg.substr(0, 3), "\xFF\xD8\xFF");
  const auto prepared = prepare_image(jpeg, text_of("visionary", "{\"prompt\":\"<fox> & co\"}"));
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->source_format, "jpeg");
  EXPECT_EQ(prepared->format, "jpeg");
  EXPECT_EQ(prepared->width, 320);
  EXPECT_EQ(prepared->height, 200);
  EXPECT_EQ(prepared->encoded.substr(0, 2), "\xFF\xD8");
  // Not a pixel re-encoded: the provider's segments follow ours unchanged.
  EXPECT_NE(prepared->encoded.find(jpeg.substr(2)), std::string::npos);
  EXPECT_EQ(find_embedded_record(prepared->encoded, "visionary"),
            std::optional<std::string>("{\"prompt\":\"<fox> & co\"}"));
  EXPECT_NE(prepared->encoded.find("a fox in the snow"), std::string::npos) << "dc:description";
  EXPECT_TRUE(is_webp(prepared->thumbnail_webp));
  const auto again = prepare_image(prepared->encoded, text_of("visionary", "x"));
  ASSERT_TRUE(again.has_value()) << "libvips still reads it: " << again.error().message;
  EXPECT_EQ(again->width, 320);
  EXPECT_EQ(content_type_of_format(prepared->format), "image/jpeg");
  EXPECT_EQ(extension_of_format(prepared->format), "jpg");
}

TEST(ImageCodec, KeepsWebpAsItCameWithTheRecordAsXmp) {
  ensure_vips();
  for (const int quality : {80, 100}) {  // lossy VP8, and libvips' lossless-looking top quality
    auto webp = encode_rgb(gradient(300, 200), 300, 200, "webp", quality);
    ASSERT_TRUE(webp.has_value());
    ASSERT_EQ(webp->substr(0, 4), "RIFF");
    const auto prepared = prepare_image(*webp, text_of("visionary", "{\"seed\":42}"));
    ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
    EXPECT_EQ(prepared->format, "webp");
    EXPECT_EQ(prepared->encoded.substr(12, 4), "VP8X") << "now the extended format";
    EXPECT_EQ(find_embedded_record(prepared->encoded, "visionary"),
              std::optional<std::string>("{\"seed\":42}"));
    const auto again = prepare_image(prepared->encoded, text_of("visionary", "x"));
    ASSERT_TRUE(again.has_value()) << "libvips still reads it: " << again.error().message;
    EXPECT_EQ(again->width, 300);
    EXPECT_EQ(again->height, 200);
    EXPECT_EQ(content_type_of_format(prepared->format), "image/webp");
  }
}

TEST(ImageCodec, EncodesRgbInEachFormat) {
  ensure_vips();
  for (const char* format : {"png", "jpeg", "webp"}) {
    auto bytes = encode_rgb(gradient(64, 48), 64, 48, format, 70);
    ASSERT_TRUE(bytes.has_value()) << format;
    const auto prepared = prepare_image(*bytes, text_of("visionary", "x"));
    ASSERT_TRUE(prepared.has_value()) << format << ": " << prepared.error().message;
    EXPECT_EQ(prepared->source_format, format);
    EXPECT_EQ(prepared->width, 64);
  }
}

TEST(ImageCodec, RejectsNonImages) {
  ensure_vips();
  for (const std::string& bad : {std::string("not an image"), std::string(),
                                 std::string("\x89PNG\r\n\x1a\n", 8), std::string("GIF89a")}) {
    const auto r = prepare_image(bad, text_of("visionary", "x"));
    ASSERT_FALSE(r.has_value()) << testing::PrintToString(bad);
    EXPECT_EQ(r.error().kind, error_kind::provider_error);
    EXPECT_FALSE(r.error().message.empty());
  }
}

TEST(ImageCodec, RejectsTruncatedPng) {
  const std::string png = make_png(256, 256);
  const auto r = prepare_image(png.substr(0, png.size() / 2), text_of("visionary", "x"));
  ASSERT_FALSE(r.has_value()) << "a half PNG was accepted";
  EXPECT_EQ(r.error().kind, error_kind::provider_error);
}

TEST(ImageCodec, RejectsCorruptPngData) {
  std::string png = make_png(256, 256);
  // Flip bytes in the middle of the compressed pixels: the CRC and the zlib stream no longer match.
  for (std::size_t i = png.size() / 2; i < png.size() / 2 + 64; ++i) png[i] = char(~png[i]);
  const auto r = prepare_image(png, text_of("visionary", "x"));
  ASSERT_FALSE(r.has_value()) << "a corrupt PNG was accepted";
  EXPECT_EQ(r.error().kind, error_kind::provider_error);
}

// A PNG whose header announces width x height of 16-bit RGBA: 8 bytes a pixel once decoded.
std::string png_header_only(std::uint32_t width, std::uint32_t height) {
  auto be32 = [](std::uint32_t v) {
    return std::string{char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  };
  auto chunk = [&](std::string_view type, std::string_view data) {
    const std::string body = std::string(type) + std::string(data);
    return be32(std::uint32_t(data.size())) + body + be32(crc32(body));
  };
  const std::string ihdr = be32(width) + be32(height) + std::string{16, 6, 0, 0, 0};
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) +
         chunk("IDAT", std::string("\x78\x9c\x03\x00\x00\x00\x00\x01", 8)) + chunk("IEND", "");
}

TEST(ImageCodec, RefusesDecompressionBombsFromTheHeaderAlone) {
  ensure_vips();
  // 8192 x 8192 x 16-bit RGBA would take 512 MB decoded; refused before a pixel is decoded.
  const auto bomb = prepare_image(png_header_only(8192, 8192), text_of("visionary", "x"));
  ASSERT_FALSE(bomb.has_value());
  EXPECT_EQ(bomb.error().kind, error_kind::provider_error);
  EXPECT_NE(bomb.error().message.find("too large to process (8192x8192)"), std::string::npos)
      << bomb.error().message;
  // Fewer pixels than the limit, but 16-bit RGBA takes twice the bytes: refused as well.
  const auto deep = prepare_image(png_header_only(3000, 3000), text_of("visionary", "x"));
  ASSERT_FALSE(deep.has_value());
  EXPECT_NE(deep.error().message.find("too large to process"), std::string::npos)
      << deep.error().message;
}

TEST(ImageCodec, PixelLimitIsConfigurable) {
  const std::string png = make_png(300, 200);
  const auto refused = prepare_image(png, text_of("visionary", "x"), 300 * 200 - 1);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("the limit is 59999 pixels"), std::string::npos)
      << refused.error().message;
  EXPECT_TRUE(prepare_image(png, text_of("visionary", "x"), 300 * 200).has_value());
}

}  // namespace
