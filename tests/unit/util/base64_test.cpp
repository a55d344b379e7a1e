#include "util/base64.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using visionary::util::base64_decode;
using visionary::util::base64_encode;
using visionary::util::base64url_decode;
using visionary::util::base64url_encode;

// RFC 4648 §10 test vectors.
const std::vector<std::pair<std::string, std::string>> rfc4648{{"", ""},
                                                               {"f", "Zg=="},
                                                               {"fo", "Zm8="},
                                                               {"foo", "Zm9v"},
                                                               {"foob", "Zm9vYg=="},
                                                               {"fooba", "Zm9vYmE="},
                                                               {"foobar", "Zm9vYmFy"}};

std::string unpadded(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

TEST(Base64, Rfc4648VectorsEncodeAndDecode) {
  for (const auto& [plain, encoded] : rfc4648) {
    EXPECT_EQ(base64_encode(plain), encoded) << plain;
    EXPECT_EQ(base64_decode(encoded), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64, UrlVariantIsUnpaddedWithSameVectors) {
  for (const auto& [plain, encoded] : rfc4648) {
    EXPECT_EQ(base64url_encode(plain), unpadded(encoded)) << plain;
    EXPECT_EQ(base64url_decode(unpadded(encoded)), std::optional<std::string>(plain)) << encoded;
  }
}

TEST(Base64, AlphabetsDifferOnlyInTheLastTwoSymbols) {
  const std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(base64_encode(bytes), "+/+/");
  EXPECT_EQ(base64url_encode(bytes), "-_-_");
  EXPECT_EQ(base64_encode(std::string("\xfb\xff", 2)), "+/8=");
  EXPECT_EQ(base64url_encode(std::string("\xfb\xff", 2)), "-_8");
  EXPECT_EQ(base64_decode("+/8="), std::optional<std::string>(std::string("\xfb\xff", 2)));
  EXPECT_EQ(base64url_decode("-_8"), std::optional<std::string>(std::string("\xfb\xff", 2)));
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += char(i);
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    const std::string part = all.substr(0, len);
    EXPECT_EQ(base64_decode(base64_encode(part)), std::optional<std::string>(part));
    EXPECT_EQ(base64url_decode(base64url_encode(part)), std::optional<std::string>(part));
  }
}

TEST(Base64, StrictDecodeRejectsMalformedStandardText) {
  for (const char* bad : {
           "Zg",        // padding required
           "Zg=",       // length not a multiple of 4
           "Z===",      // too much padding
           "====",      // nothing but padding
           "=Zg=",      // padding in front
           "Zg==Zg==",  // padding in the middle
           "Zh==",      // non-zero trailing bits ("Zg==" is the canonical form)
           "Zm9=",      // non-zero trailing bits with one pad
           "Zm9v!A==",  // character outside the alphabet
           "Zm 9v",     // whitespace
           "Zm9-",      // URL-safe symbol in the standard alphabet
           "Zm9_",
       }) {
    EXPECT_EQ(base64_decode(bad), std::nullopt) << bad;
  }
}

TEST(Base64, StrictDecodeRejectsMalformedUrlText) {
  for (const char* bad : {
           "Zg==",  // no padding in the URL form
           "Zm8=",
           "+/8",  // standard symbols
           "Z",    // a single leftover symbol cannot encode a byte
           "Zm9vY",
           "Zh",  // non-zero trailing bits
           "Zm9",
           "Zm.v",
       }) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
}

}  // namespace
