#include "util/compression.hpp"

#include <gtest/gtest.h>

#include "util/base64.hpp"

namespace {

using visionary::util::base64_decode;
using visionary::util::deflate_raw;
using visionary::util::inflate_raw;

TEST(Compression, RoundTripsTextAndShrinksRepetition) {
  std::string text;
  for (int i = 0; i < 300; ++i)
    text +=
        "\xF0\x9F\xA6\x8A F\xC3\xBC"
        "chsin im Schnee. ";
  const auto packed = deflate_raw(text);
  EXPECT_LT(packed.size() * 10, text.size());
  EXPECT_EQ(inflate_raw(packed, text.size()), text);
}

TEST(Compression, EmptyTextRoundTrips) {
  EXPECT_EQ(inflate_raw(deflate_raw(""), 16), std::string());
}

TEST(Compression, ReadsRawDeflateWrittenByOtherTools) {
  // zlib.deflateRawSync('ü'.repeat(50) + ' fox 🦊') from Node.js.
  const auto packed = base64_decode("O7znMM2hQlp+hcKH+cu6AA==");
  ASSERT_TRUE(packed.has_value());
  std::string expected;
  for (int i = 0; i < 50; ++i) expected += "\xC3\xBC";
  expected += " fox \xF0\x9F\xA6\x8A";
  EXPECT_EQ(inflate_raw(*packed, 1024), expected);
}

TEST(Compression, RefusesOutputBeyondTheLimit) {
  const std::string text(100'000, 'a');
  const auto packed = deflate_raw(text);
  EXPECT_LT(packed.size(), 1'000u);
  EXPECT_EQ(inflate_raw(packed, text.size() - 1), std::nullopt);
  EXPECT_EQ(inflate_raw(packed, text.size()), text);
}

TEST(Compression, RefusesDataThatIsNotACompleteStream) {
  std::string text(5'000, 'x');
  text += "end";
  const auto packed = deflate_raw(text);
  EXPECT_EQ(inflate_raw(packed.substr(0, packed.size() / 2), 10'000), std::nullopt);
  EXPECT_EQ(inflate_raw("not deflate at all", 10'000), std::nullopt);
}

}  // namespace
