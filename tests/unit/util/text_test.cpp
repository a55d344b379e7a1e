#include "util/text.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>

namespace {

using namespace visionary::util;

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii\n\t"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9"));          // é
  EXPECT_TRUE(is_valid_utf8("\xE6\x97\xA5"));      // 日
  EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));  // 😀, 4 bytes
  EXPECT_TRUE(
      is_valid_utf8("a\xF0\x9F\xA6\x8A"
                    "b"));                             // 🦊 between ASCII
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));          // U+E000, just above them
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(Utf8, RejectsMalformedText) {
  for (const char* bad : {
           "\xC0\xAF",              // overlong '/'
           "\xC1\xBF",              // overlong
           "\xE0\x80\xAF",          // overlong 3-byte
           "\xF0\x80\x80\xAF",      // overlong 4-byte
           "\xED\xA0\x80",          // U+D800 surrogate
           "\xED\xBF\xBF",          // U+DFFF surrogate
           "\xF4\x90\x80\x80",      // U+110000
           "\xF5\x80\x80\x80",      // lead byte beyond U+10FFFF
           "\xF8\x88\x80\x80\x80",  // 5-byte form
           "\xC3",                  // truncated 2-byte
           "\xE6\x97",              // truncated 3-byte
           "\xF0\x9F\x98",          // truncated 4-byte
           "abc\xF0\x9F",           // truncated at the end of longer text
           "\x80",                  // lone continuation byte
           "a\xBF"
           "b",
           "\xC3\x28",  // lead byte followed by ASCII
           "\xFF",
           "\xFE",
       }) {
    EXPECT_FALSE(is_valid_utf8(bad)) << testing::PrintToString(std::string(bad));
  }
}

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("h\xC3\xA9llo\xF0\x9F\x98\x80"), 6u);
  EXPECT_EQ(utf8_length("\xE6\x97\xA5\xE6\x9C\xAC"), 2u);
}

TEST(Utf8, PrefixNeverSplitsACodePoint) {
  const std::string text =
      "a\xE6\x97\xA5"
      "b\xF0\x9F\x98\x80\xC3\xA9";  // a 日 b 😀 é
  EXPECT_EQ(utf8_prefix(text, 0), "");
  EXPECT_EQ(utf8_prefix(text, 1), "a");
  EXPECT_EQ(utf8_prefix(text, 2), "a");
  EXPECT_EQ(utf8_prefix(text, 3), "a");
  EXPECT_EQ(utf8_prefix(text, 4), "a\xE6\x97\xA5");
  EXPECT_EQ(utf8_prefix(text, 5),
            "a\xE6\x97\xA5"
            "b");
  EXPECT_EQ(utf8_prefix(text, 8),
            "a\xE6\x97\xA5"
            "b");
  EXPECT_EQ(utf8_prefix(text, 9),
            "a\xE6\x97\xA5"
            "b\xF0\x9F\x98\x80");
  EXPECT_EQ(utf8_prefix(text, 100), text);
  // Property: valid, within the budget, and maximal (the next code point would not fit).
  for (std::size_t max = 0; max <= text.size() + 1; ++max) {
    const auto prefix = utf8_prefix(text, max);
    EXPECT_LE(prefix.size(), max);
    EXPECT_TRUE(is_valid_utf8(prefix)) << max;
    EXPECT_EQ(text.substr(0, prefix.size()), prefix);
    if (prefix.size() < text.size()) {
      std::size_t next = prefix.size() + 1;
      while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) ++next;
      EXPECT_GT(next, max) << max;
    }
  }
}

TEST(Trim, RemovesAsciiAndUnicodeSpacesAtBothEndsOnly) {
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(trim(" \t\r\n\f\vabc \r\n"), "abc");
  EXPECT_EQ(trim("a b\tc"), "a b\tc");
  EXPECT_EQ(trim("\xC2\xA0"
                 "abc\xC2\xA0"),
            "abc");  // NBSP
  EXPECT_EQ(trim("\xE3\x80\x80"
                 "abc\xE3\x80\x80"),
            "abc");  // ideographic space
  EXPECT_EQ(trim(" \xC2\xA0 \xE3\x80\x80x\xC2\xA0\n"), "x");
  EXPECT_EQ(trim("a\xC2\xA0"
                 "b"),
            "a\xC2\xA0"
            "b");                            // inner NBSP stays
  EXPECT_EQ(trim("\xC3\xA9 "), "\xC3\xA9");  // é is not a space
}

TEST(PercentEncode, KeepsUnreservedAndEncodesEverythingElseUppercase) {
  EXPECT_EQ(percent_encode("AZaz09-._~"), "AZaz09-._~");
  // What encodeURIComponent gives for these reserved characters.
  EXPECT_EQ(percent_encode(" #$&+,/:;=?@[]%\"<>\\^`{|}"),
            "%20%23%24%26%2B%2C%2F%3A%3B%3D%3F%40%5B%5D%25%22%3C%3E%5C%5E%60%7B%7C%7D");
  // RFC 3986 strictness: encodeURIComponent would leave these five alone.
  EXPECT_EQ(percent_encode("!*'()"), "%21%2A%27%28%29");
  // Non-ASCII: UTF-8 bytes, as encodeURIComponent("日 é😀").
  EXPECT_EQ(percent_encode("\xE6\x97\xA5 \xC3\xA9\xF0\x9F\x98\x80"),
            "%E6%97%A5%20%C3%A9%F0%9F%98%80");
  EXPECT_EQ(percent_encode(std::string("\0\n\x7f", 3)), "%00%0A%7F");
  EXPECT_EQ(percent_encode(""), "");
}

TEST(PercentEncode, PathVariantKeepsSlashes) {
  EXPECT_EQ(percent_encode_path("images/a b/\xE6\x97\xA5#?.png"),
            "images/a%20b/%E6%97%A5%23%3F.png");
  EXPECT_EQ(percent_encode("images/a"), "images%2Fa");
}

TEST(PercentDecode, DecodesBothHexCasesAndLeavesPlus) {
  EXPECT_EQ(percent_decode("%41%42c"), std::optional<std::string>("ABc"));
  EXPECT_EQ(percent_decode("%e6%97%a5"), std::optional<std::string>("\xE6\x97\xA5"));
  EXPECT_EQ(percent_decode("a+b"), std::optional<std::string>("a+b"));
  EXPECT_EQ(percent_decode("%00"), std::optional<std::string>(std::string(1, '\0')));
  EXPECT_EQ(percent_decode(""), std::optional<std::string>(""));
  EXPECT_EQ(percent_decode("%2541"), std::optional<std::string>("%41"));  // decodes once only
}

TEST(PercentDecode, RejectsIncompleteOrNonHexEscapes) {
  for (const char* bad : {"%", "%4", "abc%", "%41%", "%4g", "%G1", "%%41", "% 41", "%-1"}) {
    EXPECT_EQ(percent_decode(bad), std::nullopt) << bad;
  }
}

TEST(PercentCoding, RoundTripsArbitraryBytes) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += char(i);
  EXPECT_EQ(percent_decode(percent_encode(all)), std::optional<std::string>(all));
  EXPECT_EQ(percent_decode(percent_encode_path(all)), std::optional<std::string>(all));
}

TEST(Slugify, LowercasesAndCollapsesSeparators) {
  EXPECT_EQ(slugify("A Red Fox, at dawn!", 48), "a-red-fox-at-dawn");
  EXPECT_EQ(slugify("  --Hello___World--  ", 48), "hello-world");
  EXPECT_EQ(slugify("A red fox. Oil painting_with #hash?", 48), "a-red-fox-oil-painting-with-hash");
  EXPECT_EQ(slugify("R2D2 & C3PO", 48), "r2d2-c3po");
}

TEST(Slugify, FoldsLatin1LettersAndSeparatesOtherScripts) {
  EXPECT_EQ(slugify("caf\xC3\xA9 au lait", 48), "cafe-au-lait");
  EXPECT_EQ(slugify("Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
                    "e",
                    48),
            "creme-brulee");
  EXPECT_EQ(slugify("NA\xC3\x8FVE \xC3\x86sir Stra\xC3\x9F"
                    "e",
                    48),
            "naive-asir-strase");
  EXPECT_EQ(slugify("2\xC3\x97"
                    "3\xC3\xB7"
                    "4",
                    48),
            "2-3-4");  // × and ÷ separate
  EXPECT_EQ(slugify("fox\xE6\x97\xA5\xE6\x9C\xAC"
                    "cat",
                    48),
            "fox-cat");                      // other scripts separate
  EXPECT_EQ(slugify("a\xC3(b", 48), "a-b");  // a stray lead byte is just a separator
}

TEST(Slugify, FallsBackToImageWhenNothingIsLeft) {
  EXPECT_EQ(slugify("", 48), "image");
  EXPECT_EQ(slugify("!!! ???", 48), "image");
  EXPECT_EQ(slugify("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E", 48), "image");  // 日本語
  EXPECT_EQ(slugify("\xF0\x9F\xA6\x8A", 48), "image");
}

TEST(Slugify, RespectsMaxLengthWithoutTrailingDash) {
  EXPECT_EQ(slugify("abcdefghij", 5), "abcde");
  EXPECT_EQ(slugify("abcd efgh", 5), "abcd");
  EXPECT_EQ(slugify("abcd efgh", 6), "abcd-e");
  const std::regex shape("[a-z0-9]+(-[a-z0-9]+)*");
  const std::string inputs[] = {"The quick brown fox jumps over the lazy dog, again and again!",
                                "--a--b--c--d--e--f--g--h--i--j--k--l--m--n--o--p--q--r--s--",
                                "\xC3\xA9t\xC3\xA9 \xC3\xA0 Paris, \xE6\x97\xA5\xE6\x9C\xAC x",
                                "Z"};
  for (const auto& input : inputs) {
    for (std::size_t max = 5; max <= 60; ++max) {
      const std::string slug = slugify(input, max);
      EXPECT_LE(slug.size(), max) << input << " / " << max;
      EXPECT_TRUE(std::regex_match(slug, shape)) << slug;
    }
  }
}

TEST(AsciiHelpers, LowerEqualsStartsWith) {
  EXPECT_EQ(to_lower_ascii("AbC-\xC3\x89"), "abc-\xC3\x89");  // non-ASCII untouched
  EXPECT_TRUE(iequals_ascii("Content-Type", "content-TYPE"));
  EXPECT_FALSE(iequals_ascii("abc", "abcd"));
  EXPECT_FALSE(iequals_ascii("abc", "abd"));
  EXPECT_TRUE(starts_with("images/a", "images/"));
  EXPECT_FALSE(starts_with("image", "images/"));
  EXPECT_TRUE(starts_with("x", ""));
}

}  // namespace

namespace {

TEST(ParseNumber, AcceptsOnlyTheWholeText) {
  using visionary::util::parse_number;
  EXPECT_EQ(parse_number<int>("42"), 42);
  EXPECT_EQ(parse_number<std::uint64_t>("18446744073709551615"), 18446744073709551615ull);
  EXPECT_EQ(parse_number<int>(""), std::nullopt);
  EXPECT_EQ(parse_number<int>("42x"), std::nullopt);
  EXPECT_EQ(parse_number<int>(" 42"), std::nullopt);
  EXPECT_EQ(parse_number<int>("99999999999"), std::nullopt);
  EXPECT_EQ(parse_number<std::uint64_t>("-1"), std::nullopt);
  EXPECT_EQ(parse_number<double>("1.5"), 1.5);
}

TEST(WithoutTrailingSlashes, RemovesEveryTrailingSlashOnly) {
  using visionary::util::without_trailing_slashes;
  EXPECT_EQ(without_trailing_slashes("https://api.openai.com/v1//"), "https://api.openai.com/v1");
  EXPECT_EQ(without_trailing_slashes("http://127.0.0.1:7860"), "http://127.0.0.1:7860");
  EXPECT_EQ(without_trailing_slashes("/"), "");
}

TEST(ContentTypeForName, KnowsImagesAndAssetsCaseInsensitively) {
  using visionary::util::content_type_for_name;
  EXPECT_EQ(content_type_for_name("images/a.PNG"), "image/png");
  EXPECT_EQ(content_type_for_name("thumbs/a.webp"), "image/webp");
  EXPECT_EQ(content_type_for_name("x.jpeg"), "image/jpeg");
  EXPECT_EQ(content_type_for_name("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for_name("assets/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for_name("data.bin"), "application/octet-stream");
  EXPECT_EQ(content_type_for_name("png"), "application/octet-stream");
}

TEST(Text, SingleLineReplacesControlsAndCutsOnACodePoint) {
  EXPECT_EQ(single_line("  plain words  ", 100), "plain words");
  EXPECT_EQ(single_line("line 1\nline 2\r\n\tend", 100), "line 1 line 2   end");
  EXPECT_EQ(single_line("bell\a esc\x1b[31m del\x7f", 100), "bell  esc [31m del");
  EXPECT_EQ(single_line("c1\xC2\x85 ls\xE2\x80\xA8 rlo\xE2\x80\xAE ok", 100), "c1  ls  rlo  ok");
  EXPECT_EQ(single_line(std::string("nul\0end", 7), 100), "nul end");
  EXPECT_EQ(single_line("caf\xC3\xA9 \xE6\x97\xA5", 100), "caf\xC3\xA9 \xE6\x97\xA5")
      << "other text is kept as it is";
  EXPECT_EQ(single_line("bad \xFF\xC3 utf8", 100), "bad ?? utf8");
  EXPECT_EQ(single_line("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(single_line("abcdefghijk", 10), "abcdefg\xE2\x80\xA6")
      << "cut: 7 bytes and the ellipsis";
  EXPECT_EQ(single_line("abcdef\xE6\x97\xA5xyz", 10), "abcdef\xE2\x80\xA6")
      << "never half a code point";
  EXPECT_LE(single_line(std::string(5000, 'x'), 300).size(), 300u);
  EXPECT_EQ(single_line("", 10), "");
}

}  // namespace
