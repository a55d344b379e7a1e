#include "core/naming.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

#include "util/base64.hpp"

namespace {

using namespace visionary::core;
using visionary::error_kind;
using namespace std::chrono_literals;
using visionary::util::from_unix_millis;
using visionary::util::sys_time;

const sys_time sample = from_unix_millis(1'795'561'512'345);  // 2026-11-24T23:05:12.345Z

TEST(Naming, InvertedMillisIsThirteenDigits) {
  const std::regex digits13("[0-9]{13}");
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'000'000'000'000},
                          std::int64_t{1'795'561'512'345}, std::int64_t{4'102'444'800'000},
                          std::int64_t{9'000'000'000'000}}) {
    const std::string inv = inverted_millis(from_unix_millis(ms));
    EXPECT_TRUE(std::regex_match(inv, digits13)) << inv;
  }
  EXPECT_EQ(inverted_millis(sample), "8204438487654");
  EXPECT_EQ(inverted_millis(from_unix_millis(0)), "9999999999999");
}

TEST(Naming, LaterTimeSortsLexicographicallyFirst) {
  const sys_time bases[] = {from_unix_millis(0), from_unix_millis(999), sample,
                            from_unix_millis(1'799'999'999'999),
                            from_unix_millis(4'102'444'800'000)};
  const std::chrono::milliseconds gaps[] = {1ms, 2ms, 999ms, 1s, 1min, 1h, 24h, 24h * 365 * 10};
  for (const auto base : bases) {
    for (const auto gap : gaps) {
      const std::string earlier = inverted_millis(base);
      const std::string later = inverted_millis(base + gap);
      EXPECT_LT(later, earlier) << "gap " << gap.count() << " ms";
    }
  }
}

TEST(Naming, TimeFromInvertedRoundTrips) {
  for (std::int64_t ms : {std::int64_t{0}, std::int64_t{1}, std::int64_t{1'795'561'512'345},
                          std::int64_t{4'102'444'800'000}}) {
    const auto t = from_unix_millis(ms);
    EXPECT_EQ(time_from_inverted(inverted_millis(t)), std::optional<sys_time>(t)) << ms;
  }
}

TEST(Naming, TimeFromInvertedRejectsMalformed) {
  for (const char* bad : {"", "123", "820443848765", "82044384876540", "820443848765a",
                          "-204438487654", "+204438487654", " 204438487654", "8204438487654\n"}) {
    EXPECT_EQ(time_from_inverted(bad), std::nullopt) << bad;
  }
}

// "0000000000000" is a time in 2286, beyond what the clock holds: refused, not overflowed.
TEST(Naming, TimeFromInvertedRefusesTimesBeyondTheClock) {
  EXPECT_EQ(time_from_inverted("0000000000000"), std::nullopt);
  EXPECT_EQ(time_from_inverted("0785353599999"), std::nullopt);  // 2262-01-01T00:00:00Z
  const auto last = time_from_inverted("0785353600000");         // 2261-12-31T23:59:59.999Z
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(visionary::util::unix_millis(*last), visionary::util::max_unix_millis);
}

TEST(Naming, MakeImageNamesShape) {
  const auto names = make_image_names(sample, "A red fox. Oil painting_with #hash?", "k3j4h5g6m2");
  EXPECT_EQ(names.id, "8204438487654-k3j4h5g6m2");
  EXPECT_EQ(names.image_blob,
            "images/8204438487654_a-red-fox-oil-painting-with-hash_k3j4h5g6m2.png");
  EXPECT_EQ(names.thumbnail_blob,
            "thumbnails/8204438487654_a-red-fox-oil-painting-with-hash_k3j4h5g6m2.webp");

  const std::regex image_shape("images/[0-9]{13}_[a-z0-9]+(-[a-z0-9]+)*_[a-z2-7]{10}\\.png");
  const std::regex thumb_shape("thumbnails/[0-9]{13}_[a-z0-9]+(-[a-z0-9]+)*_[a-z2-7]{10}\\.webp");
  const std::regex id_shape("[0-9]{13}-[a-z2-7]{10}");
  for (const char* prompt : {"", "\xE6\x97\xA5\xE6\x9C\xAC", "___", "x",
                             "A very long prompt that goes on and on well beyond the forty-eight "
                             "character slug limit of the blob names"}) {
    const auto n = make_image_names(sample, prompt, "abcdefgh23");
    EXPECT_TRUE(std::regex_match(n.image_blob, image_shape)) << n.image_blob;
    EXPECT_TRUE(std::regex_match(n.thumbnail_blob, thumb_shape)) << n.thumbnail_blob;
    EXPECT_TRUE(std::regex_match(n.id, id_shape)) << n.id;
    EXPECT_LE(n.image_blob.size(), 7 + 13 + 1 + slug_max_length + 1 + token_length + 4);
  }
}

TEST(Naming, ParseImageIdAcceptsGeneratedIds) {
  const auto names = make_image_names(sample, "a red fox", "k3j4h5g6m2");
  const auto parsed = parse_image_id(names.id);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->inverted, "8204438487654");
  EXPECT_EQ(parsed->token, "k3j4h5g6m2");
  EXPECT_EQ(image_blob_prefix(*parsed), "images/8204438487654_");
  EXPECT_TRUE(names.image_blob.starts_with(image_blob_prefix(*parsed)));
}

TEST(Naming, ParseImageIdRejectsEverythingElse) {
  for (const char* bad : {
           "",
           "8204438487654",
           "8204438487654-",
           "8204438487654-k3j4h5g6m",    // short token
           "8204438487654-k3j4h5g6m2x",  // long token
           "820443848765-k3j4h5g6m2x",   // short number
           "8204438487654_k3j4h5g6m2",   // wrong separator
           "8204438487654-K3J4H5G6M2",   // uppercase
           "820443848765a-k3j4h5g6m2",
           "8204438487654-k3j4h5g6/2",
           "../../../etc-k3j4h5g6m2",
           "8204438487654-../../etc/",
           "8204438487654-k3j4h5g6m2.png",
           " 204438487654-k3j4h5g6m2",
           "8204438487654-k3j4h5%2e.",
       }) {
    EXPECT_EQ(parse_image_id(bad), std::nullopt) << bad;
  }
}

TEST(Naming, NamesFromImageBlobRoundTrips) {
  for (const char* prompt :
       {"a red fox", "", "\xE6\x97\xA5", "snake_case_words with under_scores"}) {
    const auto made = make_image_names(sample, prompt, "k3j4h5g6m2");
    const auto parsed = names_from_image_blob(made.image_blob);
    ASSERT_TRUE(parsed.has_value()) << made.image_blob;
    EXPECT_EQ(parsed->id, made.id);
    EXPECT_EQ(parsed->image_blob, made.image_blob);
    EXPECT_EQ(parsed->thumbnail_blob, made.thumbnail_blob);
  }
}

TEST(Naming, NamesFromImageBlobRejectsOtherNames) {
  for (const char* bad : {
           "",
           "images/",
           "images/.png",
           "thumbnails/8204438487654_a-red-fox_k3j4h5g6m2.webp",
           "thumbnails/8204438487654_a-red-fox_k3j4h5g6m2.png",
           "images/8204438487654_a-red-fox_k3j4h5g6m2.gif",
           "images/8204438487654_a-red-fox_k3j4h5g6m2.jpeg",
           "images/8204438487654_a-red-fox_k3j4h5g6m2.PNG",
           "images/8204438487654_k3j4h5g6m2.png",           // no slug part
           "images/820443848765_a-red-fox_k3j4h5g6m2.png",  // 12 digits
           "images/820443848765a_a-red-fox_k3j4h5g6m2.png",
           "images/8204438487654_a-red-fox_k3j4h5g6m.png",  // short token
           "images/8204438487654_a-red-fox_K3J4H5G6M2.png",
           "images/8204438487654-a-red-fox-k3j4h5g6m2.png",
           "other/8204438487654_a-red-fox_k3j4h5g6m2.png",
           "Images/8204438487654_a-red-fox_k3j4h5g6m2.png",
           "images/8204438487654_a-red-fox_k3j4h5g6m2.png.tmp",
       }) {
    EXPECT_EQ(names_from_image_blob(bad), std::nullopt) << bad;
  }
}

TEST(Naming, ImagesKeepTheirFormatsExtension) {
  const auto created = visionary::util::from_unix_millis(1'795'561'512'345);
  for (const char* extension : {"png", "jpg", "webp"}) {
    const auto names = make_image_names(created, "a red fox", "k3j4h5g6m2", extension);
    EXPECT_EQ(names.image_blob,
              std::string("images/8204438487654_a-red-fox_k3j4h5g6m2.") + extension);
    EXPECT_EQ(names.thumbnail_blob, "thumbnails/8204438487654_a-red-fox_k3j4h5g6m2.webp");
    const auto parsed = names_from_image_blob(names.image_blob);
    ASSERT_TRUE(parsed.has_value()) << extension;
    EXPECT_EQ(parsed->id, names.id);
    EXPECT_EQ(parsed->thumbnail_blob, names.thumbnail_blob);
    EXPECT_EQ(slug_of_image_blob(names.image_blob), "a-red-fox");
  }
  EXPECT_EQ(slug_of_image_blob("images/x.gif"), "");
}

TEST(Naming, CursorRoundTrips) {
  for (const char* marker : {"images/8204438487654_a-red-fox_k3j4h5g6m2.png", "x",
                             "gen/\xE6\x97\xA5 x#?&=+%.png", "2!1!4!abc"}) {
    const std::string cursor = encode_cursor(marker);
    EXPECT_EQ(cursor.find_first_not_of(
                  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
              std::string::npos)
        << "cursor must be URL-safe: " << cursor;
    const auto decoded = decode_cursor(cursor);
    ASSERT_TRUE(decoded.has_value()) << cursor;
    EXPECT_EQ(*decoded, marker);
  }
}

TEST(Naming, DecodeCursorRejectsGarbage) {
  const std::string bad_cursors[] = {
      "",
      "!!!",
      "not a cursor",
      "dj",                                                  // "v" only
      visionary::util::base64url_encode("v1:"),              // version but no marker
      visionary::util::base64url_encode("v2:images/x.png"),  // unknown version
      visionary::util::base64url_encode("images/x.png"),     // no version
      visionary::util::base64url_encode("v1:\xff\xfe"),      // marker not UTF-8
      visionary::util::base64_encode("v1:images/x.png?"),    // standard alphabet with padding
      visionary::util::base64url_encode("v1:images/x.png") + "=",
      std::string(5000, 'A'),  // oversized
  };
  for (const auto& cursor : bad_cursors) {
    const auto decoded = decode_cursor(cursor);
    ASSERT_FALSE(decoded.has_value()) << cursor;
    EXPECT_EQ(decoded.error().kind, error_kind::invalid_request);
    EXPECT_NE(decoded.error().message.find("cursor"), std::string::npos);
  }
}

}  // namespace
