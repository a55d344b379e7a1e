// The keys of the OpenAI-compatible gateway (src/api/api_keys.*): parsing and checking
// VISIONARY_API_KEYS, errors that never show a key, and the look-up of a presented key.
#include "api/api_keys.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using visionary::api::api_key_table;
using visionary::api::bearer_token;

const std::string alice_key = "alice-0123456789abcdef";
const std::string bob_key = "bob-0123456789abcdefgh";

TEST(ApiKeys, IdentifiesEachKeyByItsName) {
  const auto table = api_key_table::parse(" alice:" + alice_key + " , bob:" + bob_key + ",");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->identify(alice_key), "alice");
  EXPECT_EQ(table->identify(bob_key), "bob");
  EXPECT_EQ(table->identify(alice_key + "x"), std::nullopt);
  EXPECT_EQ(table->identify(alice_key.substr(1)), std::nullopt);
  EXPECT_EQ(table->identify(""), std::nullopt);
  EXPECT_EQ(table->names(), (std::vector<std::string>{"alice", "bob"}));
}

TEST(ApiKeys, KeysMayHoldColonsAfterTheName) {
  const auto table = api_key_table::parse("ci:abc:def:0123456789abcdef");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->identify("abc:def:0123456789abcdef"), "ci");
}

TEST(ApiKeys, EmptyMeansOff) {
  const auto table = api_key_table::parse("");
  ASSERT_TRUE(table.has_value());
  EXPECT_TRUE(table->empty());
  EXPECT_EQ(table->identify(alice_key), std::nullopt);
}

TEST(ApiKeys, ReadsAFileOfLines) {
  const auto table = api_key_table::parse_lines("# the CI runner\nci:" + alice_key +
                                                "\n\n  ops:" + bob_key + "  \r\n");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  EXPECT_EQ(table->identify(alice_key), "ci");
  EXPECT_EQ(table->identify(bob_key), "ops");
}

// Each refusal names the entry and what is wrong, never the key itself.
TEST(ApiKeys, RefusesBadListsWithoutShowingKeys) {
  const std::string short_key = "short-key";
  const std::string bad_char_key = "has space 0123456789abcdef";
  const struct {
    std::string text;
    std::string says;
    std::string secret;
  } cases[] = {
      {"alice" + alice_key, "entry 1: write it as name:key", alice_key},
      {"alice:" + short_key, "entry 1 (alice): the key must be 16 to 256", short_key},
      {"alice:" + bad_char_key, "printable ASCII without spaces or commas", bad_char_key},
      {"al ice:" + alice_key, "entry 1: the name must be", alice_key},
      {":" + alice_key, "entry 1: the name must be", alice_key},
      {"a:" + alice_key + ",a:" + bob_key, "entry 2 (a): the name is used twice", bob_key},
      {"a:" + alice_key + ",b:" + alice_key, "entry 2 (b): the key is the same", alice_key},
  };
  for (const auto& c : cases) {
    const auto table = api_key_table::parse(c.text);
    ASSERT_FALSE(table.has_value()) << c.text;
    EXPECT_NE(table.error().message.find(c.says), std::string::npos) << table.error().message;
    EXPECT_EQ(table.error().message.find(c.secret), std::string::npos) << table.error().message;
  }
}

TEST(ApiKeys, ReadsBearerTokens) {
  EXPECT_EQ(bearer_token("Bearer abc"), "abc");
  EXPECT_EQ(bearer_token("bearer   abc  "), "abc");
  EXPECT_EQ(bearer_token("Basic abc"), std::nullopt);
  EXPECT_EQ(bearer_token("Bearer "), std::nullopt);
  EXPECT_EQ(bearer_token(""), std::nullopt);
}

}  // namespace
