#include "imaging/png_text.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "imaging/image_codec.hpp"

namespace {

using namespace visionary::imaging;

void ensure_vips() {
  static const bool started = [] {
    initialize("visionary_unit_tests");
    return true;
  }();
  (void)started;
}

// A real PNG from our own encoder; noise makes it big (incompressible) when asked.
std::string make_png(int width, int height, bool noisy) {
  ensure_vips();
  std::vector<std::uint8_t> rgb(std::size_t(width) * height * 3);
  std::mt19937 rng(42);
  for (std::size_t i = 0; i < rgb.size(); ++i)
    rgb[i] = noisy ? std::uint8_t(rng()) : std::uint8_t(i % 251);
  auto png = encode_png_rgb(rgb, width, height);
  EXPECT_TRUE(png.has_value());
  return png ? *png : std::string();
}

std::uint32_t read_u32(std::string_view s, std::size_t at) {
  return std::uint32_t(std::uint8_t(s[at])) << 24 | std::uint32_t(std::uint8_t(s[at + 1])) << 16 |
         std::uint32_t(std::uint8_t(s[at + 2])) << 8 | std::uint32_t(std::uint8_t(s[at + 3]));
}

// Builds one chunk (length, type, data, crc) by hand.
std::string chunk(std::string_view type, std::string_view data) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out += char((data.size() >> shift) & 0xFF);
  const std::string body = std::string(type) + std::string(data);
  out += body;
  const std::uint32_t crc = crc32(body);
  for (int shift = 24; shift >= 0; shift -= 8) out += char((crc >> shift) & 0xFF);
  return out;
}

const std::string json_text =
    "{\"prompt\":\"A red fox \xE2\x80\x94 \xE6\x97\xA5\xE6\x9C\xAC\\nline "
    "two\",\"provider\":\"demo\"}";

TEST(PngText, Crc32CheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
  EXPECT_EQ(crc32("IEND"), 0xAE426082u);  // the CRC every PNG ends with
}

TEST(PngText, SignatureCheck) {
  const std::string png = make_png(8, 8, false);
  EXPECT_TRUE(has_png_signature(png));
  EXPECT_FALSE(has_png_signature(""));
  EXPECT_FALSE(has_png_signature("\x89PNG"));
  EXPECT_FALSE(has_png_signature("GIF89a......"));
}

TEST(PngText, InsertThenFindRoundTrip) {
  const std::string png = make_png(64, 48, false);
  const auto with_text = insert_png_itxt(png, "visionary", json_text);
  ASSERT_TRUE(with_text.has_value());
  EXPECT_TRUE(has_png_signature(*with_text));
  EXPECT_EQ(find_png_text(*with_text, "visionary"), std::optional<std::string>(json_text));
  EXPECT_EQ(find_png_text(*with_text, "Comment"), std::nullopt);
  EXPECT_EQ(find_png_text(png, "visionary"), std::nullopt);

  // The chunk sits right after IHDR with a correct length and CRC, and the rest is untouched.
  const std::size_t at = 8 + 25;
  const std::uint32_t length = read_u32(*with_text, at);
  EXPECT_EQ(with_text->substr(at + 4, 4), "iTXt");
  EXPECT_EQ(read_u32(*with_text, at + 8 + length),
            crc32(std::string_view(*with_text).substr(at + 4, 4 + length)));
  EXPECT_EQ(with_text->size(), png.size() + 12 + length);
  EXPECT_EQ(with_text->substr(0, at), png.substr(0, at));
  EXPECT_EQ(with_text->substr(at + 12 + length), png.substr(at));
}

TEST(PngText, InsertedPngStillDecodes) {
  const std::string png = make_png(32, 32, false);
  const auto with_text = insert_png_itxt(png, "visionary", json_text);
  ASSERT_TRUE(with_text.has_value());
  const auto prepared = prepare_image(*with_text, embedded_text{"other", "", "x"});
  ASSERT_TRUE(prepared.has_value()) << prepared.error().message;
  EXPECT_EQ(prepared->width, 32);
  EXPECT_EQ(find_png_text(prepared->encoded, "visionary"), std::optional<std::string>(json_text));
}

TEST(PngText, InsertRejectsNonPngAndBadKeywords) {
  const std::string png = make_png(8, 8, false);
  EXPECT_EQ(insert_png_itxt("not a png at all, definitely not", "visionary", "x"), std::nullopt);
  EXPECT_EQ(insert_png_itxt("", "visionary", "x"), std::nullopt);
  EXPECT_EQ(insert_png_itxt(png.substr(0, 20), "visionary", "x"), std::nullopt);  // cut inside IHDR
  EXPECT_EQ(insert_png_itxt(png, "", "x"), std::nullopt);
  EXPECT_EQ(insert_png_itxt(png, std::string(80, 'k'), "x"), std::nullopt);
  EXPECT_TRUE(insert_png_itxt(png, std::string(79, 'k'), "x").has_value());
  // A PNG signature followed by something other than IHDR is not well-formed.
  std::string no_ihdr = png.substr(0, 8) + chunk("tEXt", std::string("a\0b", 3)) + png.substr(8);
  EXPECT_EQ(insert_png_itxt(no_ihdr, "visionary", "x"), std::nullopt);
}

// Found by the png_text fuzz target: a keyword with a NUL was accepted, and the text it carried
// could not be found again by that keyword.
TEST(PngText, InsertRefusesKeywordsThatAreNotPngKeywords) {
  const std::string png = make_png(8, 8, false);
  for (const std::string& bad :
       {std::string("Soft\0ware", 9), std::string("a\nb"), std::string(" lead"),
        std::string("trail "), std::string("two  spaces"), std::string("\x7f"),
        std::string("\xa0")}) {
    EXPECT_EQ(insert_png_itxt(png, bad, "x"), std::nullopt) << bad;
  }
  const std::string latin1 = "caf\xe9 prompt";
  const auto with_text = insert_png_itxt(png, latin1, "x");
  ASSERT_TRUE(with_text.has_value());
  EXPECT_EQ(find_png_text(*with_text, latin1), "x");
}

TEST(PngText, FindWorksOnPrefixOfLargePng) {
  const std::string png = make_png(512, 512, true);
  ASSERT_GT(png.size(), 256u * 1024u);
  const auto with_text = insert_png_itxt(png, "visionary", json_text);
  ASSERT_TRUE(with_text.has_value());
  const std::string_view prefix = std::string_view(*with_text).substr(0, 64 * 1024);
  EXPECT_EQ(find_png_text(prefix, "visionary"), std::optional<std::string>(json_text));
}

TEST(PngText, FindReadsTextChunksAndStopsAtImageData) {
  const std::string png = make_png(8, 8, false);
  const std::string head = png.substr(0, 33);
  const std::string rest = png.substr(33);
  // tEXt (Latin-1 keyword/value pair) written by other tools.
  const std::string with_text = head + chunk("tEXt", std::string("Comment\0hello", 13)) + rest;
  EXPECT_EQ(find_png_text(with_text, "Comment"), std::optional<std::string>("hello"));
  // iTXt with a language tag and translated keyword.
  const std::string itxt =
      head + chunk("iTXt", std::string("visionary\0\0\0en\0Visionary\0text", 29)) + rest;
  EXPECT_EQ(find_png_text(itxt, "visionary"), std::optional<std::string>("text"));
  // Compressed iTXt is not ours to inflate.
  const std::string compressed =
      head + chunk("iTXt", std::string("visionary\0\1\0\0\0xx", 16)) + rest;
  EXPECT_EQ(find_png_text(compressed, "visionary"), std::nullopt);
  // Text after the image data is not looked at (it would need the whole file).
  const auto iend = png.rfind("IEND") - 4;
  const std::string trailing =
      png.substr(0, iend) + chunk("tEXt", std::string("late\0x", 6)) + png.substr(iend);
  EXPECT_EQ(find_png_text(trailing, "late"), std::nullopt);
  // Truncated inside the chunk, or no PNG at all.
  EXPECT_EQ(find_png_text(with_text.substr(0, 33 + 10), "Comment"), std::nullopt);
  EXPECT_EQ(find_png_text("", "Comment"), std::nullopt);
  EXPECT_EQ(find_png_text("hello world, not a png", "Comment"), std::nullopt);
}

}  // namespace
