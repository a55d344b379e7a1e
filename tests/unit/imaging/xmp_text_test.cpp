#include "imaging/xmp_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using namespace visionary::imaging;

std::string u32le(std::uint32_t v) {
  return std::string{char(v & 0xFF), char((v >> 8) & 0xFF), char((v >> 16) & 0xFF), char(v >> 24)};
}

// A RIFF WebP of the given chunks (payloads padded to even sizes, as the format wants).
std::string webp_of(const std::vector<std::pair<std::string, std::string>>& chunks) {
  std::string body = "WEBP";
  for (const auto& [fourcc, payload] : chunks) {
    body += fourcc + u32le(std::uint32_t(payload.size())) + payload;
    if (payload.size() % 2 == 1) body += '\0';
  }
  return "RIFF" + u32le(std::uint32_t(body.size())) + body;
}

TEST(XmpText, ThePacketCarriesTheRecordEscapedAndFindsItAgain) {
  const std::string record = R"({"prompt":"<b>fish & chips</b> \"quoted\""})";
  const auto packet = xmp_packet("fish & chips", record);
  EXPECT_NE(packet.find("<dc:description>"), std::string::npos);
  EXPECT_NE(packet.find("fish &amp; chips"), std::string::npos);
  EXPECT_EQ(packet.find("<b>"), std::string::npos) << "escaped";
  EXPECT_EQ(find_xmp_record(packet), record);
  EXPECT_EQ(find_xmp_record("no xmp here"), std::nullopt);
  EXPECT_EQ(find_xmp_record("<visionary:record>&bogus;</visionary:record>"), std::nullopt);
}

TEST(XmpText, JpegGetsAnApp1SegmentAfterItsJfifHeader) {
  const std::string jfif = "\xFF\xE0" + std::string("\x00\x10", 2) + "JFIF" + std::string(10, '\0');
  const std::string rest = "\xFF\xDB\x00\x04\x01\x02\xFF\xD9";
  const std::string jpeg = "\xFF\xD8" + jfif + rest;
  const auto packet = xmp_packet("", "{}");
  const auto out = insert_jpeg_xmp(jpeg, packet);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->substr(0, 2 + jfif.size()), "\xFF\xD8" + jfif);
  EXPECT_EQ(out->substr(2 + jfif.size(), 2), "\xFF\xE1");
  const std::size_t length = (std::size_t(std::uint8_t((*out)[4 + jfif.size()])) << 8) |
                             std::uint8_t((*out)[5 + jfif.size()]);
  EXPECT_EQ(length, 2 + 29 + packet.size()) << "length counts itself, the namespace and its NUL";
  EXPECT_TRUE(out->ends_with(rest));
  EXPECT_EQ(find_xmp_record(*out), "{}");
}

TEST(XmpText, AJpegsEarlierXmpIsReplaced) {
  const auto first = insert_jpeg_xmp("\xFF\xD8\xFF\xDB\x00\x02\xFF\xD9", xmp_packet("", "one"));
  ASSERT_TRUE(first.has_value());
  const auto second = insert_jpeg_xmp(*first, xmp_packet("", "two"));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(find_xmp_record(*second), "two");
  EXPECT_EQ(second->find("one"), std::string::npos);
  EXPECT_TRUE(second->ends_with("\xFF\xDB\x00\x02\xFF\xD9"));
}

TEST(XmpText, JpegRefusesWhatIsNotAJpegOrDoesNotFit) {
  EXPECT_FALSE(insert_jpeg_xmp("not a jpeg", "x").has_value());
  EXPECT_FALSE(insert_jpeg_xmp("\xFF\xD8\xFF\xE0\x7F\xFF", "x").has_value()) << "APP0 overruns";
  EXPECT_FALSE(
      insert_jpeg_xmp("\xFF\xD8\xFF\xD9", std::string(max_jpeg_xmp_bytes + 1, 'x')).has_value());
  EXPECT_TRUE(
      insert_jpeg_xmp("\xFF\xD8\xFF\xD9", std::string(max_jpeg_xmp_bytes, 'x')).has_value());
}

TEST(XmpText, SimpleWebpBecomesExtendedWithTheCanvasAndFlags) {
  const std::string vp8l = "\x2f" + std::string(9, '\x11');  // odd payloads get a pad byte
  const auto webp = webp_of({{"VP8L", vp8l}});
  const auto out = insert_webp_xmp(webp, "<x/>", 1024, 768, true);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->substr(0, 4), "RIFF");
  EXPECT_EQ(out->substr(4, 4), u32le(std::uint32_t(out->size() - 8)));
  EXPECT_EQ(out->substr(12, 4), "VP8X");
  EXPECT_EQ(out->substr(16, 4), u32le(10));
  EXPECT_EQ(std::uint8_t((*out)[20]), 0x10 | 0x04) << "alpha and XMP";
  EXPECT_EQ(out->substr(24, 6), std::string("\xFF\x03\x00\xFF\x02\x00", 6)) << "1023 x 767";
  EXPECT_EQ(out->substr(30, 4), "VP8L");
  EXPECT_TRUE(out->ends_with("XMP " + u32le(4) + "<x/>"));
}

TEST(XmpText, ExtendedWebpKeepsItsHeaderAndGainsTheXmpFlag) {
  const std::string vp8x = std::string("\x10\0\0\0", 4) + std::string("\x0f\0\0\x0f\0\0", 6);
  const auto webp = webp_of({{"VP8X", vp8x}, {"ALPH", "a"}, {"VP8 ", "pixels"}});
  const auto out = insert_webp_xmp(webp, "<x/>", 16, 16, true);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(std::uint8_t((*out)[20]), 0x14);
  EXPECT_EQ(out->substr(21, 9), vp8x.substr(1));
  const auto again = insert_webp_xmp(*out, "<y/>", 16, 16, true);
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->ends_with("XMP " + u32le(4) + "<y/>")) << "an earlier XMP is replaced";
  EXPECT_EQ(again->find("<x/>"), std::string::npos);
  EXPECT_EQ(again->size(), out->size());
}

TEST(XmpText, MalformedWebpIsRefused) {
  auto webp = webp_of({{"VP8 ", "pixels"}});
  EXPECT_TRUE(insert_webp_xmp(webp, "x", 1, 1, false).has_value());
  EXPECT_FALSE(insert_webp_xmp(webp.substr(0, webp.size() - 1), "x", 1, 1, false).has_value());
  auto lying = webp;
  lying[16] = '\x7f';  // the chunk claims more than the file holds
  EXPECT_FALSE(insert_webp_xmp(lying, "x", 1, 1, false).has_value());
  EXPECT_FALSE(insert_webp_xmp("RIFF", "x", 1, 1, false).has_value());
  EXPECT_FALSE(insert_webp_xmp(webp, "x", 0, 1, false).has_value());
}

}  // namespace
