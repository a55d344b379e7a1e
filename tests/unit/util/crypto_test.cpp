#include "util/crypto.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace {

using namespace visionary::util;

TEST(Crypto, HmacSha256Rfc4231Case1) {
  EXPECT_EQ(hex_encode(hmac_sha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(Crypto, HmacSha256Rfc4231Case2Jefe) {
  const std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  EXPECT_EQ(mac.size(), 32u);
  EXPECT_EQ(hex_encode(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, HmacKeyWithNulBytesIsNotCutShort) {
  // Decoded account keys are binary; a NUL must not end the key.
  EXPECT_NE(hmac_sha256(std::string("a\0b", 3), "m"), hmac_sha256("a", "m"));
}

TEST(Crypto, Sha256KnownDigests) {
  EXPECT_EQ(hex_encode(sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hex_encode(sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Crypto, HexEncodeIsLowercaseTwoDigitsPerByte) {
  EXPECT_EQ(hex_encode(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(hex_encode(""), "");
}

TEST(Crypto, RandomTokenUsesLowercaseBase32Alphabet) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string token = random_token(10);
    ASSERT_EQ(token.size(), 10u);
    for (char c : token) {
      EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << token;
    }
    seen.insert(token);
  }
  EXPECT_EQ(seen.size(), 50u);  // 50 bits of entropy each: a collision means a broken RNG
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(33).size(), 33u);
}

TEST(Crypto, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("abcd", "abc"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
}

}  // namespace
