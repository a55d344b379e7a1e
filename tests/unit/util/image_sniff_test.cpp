#include "util/image_sniff.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using visionary::util::sniff_image_format;
using namespace std::string_literals;

TEST(ImageSniff, KnowsPngJpegAndWebpByTheirFirstBytes) {
  EXPECT_EQ(sniff_image_format("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s), "png");
  EXPECT_EQ(sniff_image_format("\xff\xd8\xff\xe0\0\x10JFIF"s), "jpeg");
  EXPECT_EQ(sniff_image_format("RIFF\x10\0\0\0WEBPVP8 \x04\0\0\0"s), "webp");
  EXPECT_EQ(sniff_image_format("RIFF\x10\0\0\0WEBPVP8L\x04\0\0\0"s), "webp");
}

TEST(ImageSniff, RefusesEverythingElse) {
  EXPECT_FALSE(sniff_image_format(""));
  EXPECT_FALSE(sniff_image_format("GIF89a..."));
  EXPECT_FALSE(sniff_image_format("<svg xmlns=..."));
  EXPECT_FALSE(sniff_image_format("\x89PNG\r\n"));  // cut short
  EXPECT_FALSE(sniff_image_format("RIFF\x10\0\0\0WAVEfmt \x04\0\0\0"s));
  EXPECT_FALSE(sniff_image_format("RIFF\x10\0\0\0WEBP"s));
}

}  // namespace
