#include "core/suggestion_text.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using visionary::core::clean_suggestion;
using visionary::core::max_suggestion_chars;

constexpr std::string_view fox = "A red fox curled up in fresh snow at dusk, watercolor";

std::string cleaned(std::string_view answer) {
  auto text = clean_suggestion(answer);
  EXPECT_TRUE(text.has_value()) << "refused: " << answer;
  return text ? *text : std::string();
}

TEST(SuggestionText, PlainAnswerIsKeptTrimmed) {
  EXPECT_EQ(cleaned("  A red fox curled up in fresh snow at dusk, watercolor \n"), fox);
}

TEST(SuggestionText, SurroundingQuotesOfEveryKindGo) {
  EXPECT_EQ(cleaned("\"A red fox curled up in fresh snow at dusk, watercolor\""), fox);
  EXPECT_EQ(cleaned("'A red fox curled up in fresh snow at dusk, watercolor'"), fox);
  EXPECT_EQ(cleaned("\u201CA red fox curled up in fresh snow at dusk, watercolor\u201D"), fox);
  EXPECT_EQ(cleaned("\u00ABA red fox curled up in fresh snow at dusk, watercolor\u00BB"), fox);
  EXPECT_EQ(cleaned("\"'A red fox curled up in fresh snow at dusk, watercolor'\""), fox)
      << "nested quotes";
  EXPECT_EQ(cleaned("\"A red fox curled up in fresh snow at dusk, watercolor\"."), fox)
      << "a period after the closing quote";
}

TEST(SuggestionText, QuotesInsideThePromptStay) {
  EXPECT_EQ(cleaned("A shop sign reading 'OPEN' in the rain, neon"),
            "A shop sign reading 'OPEN' in the rain, neon");
  EXPECT_EQ(cleaned("'Twas a foggy night over the harbour, oil painting"),
            "'Twas a foggy night over the harbour, oil painting")
      << "an unpaired quote is part of the text";
}

TEST(SuggestionText, LabelsAndPreamblesGo) {
  EXPECT_EQ(cleaned("Prompt: A red fox curled up in fresh snow at dusk, watercolor"), fox);
  EXPECT_EQ(cleaned("Image prompt: \"A red fox curled up in fresh snow at dusk, watercolor\""),
            fox);
  EXPECT_EQ(cleaned("**Prompt:** A red fox curled up in fresh snow at dusk, watercolor"), fox);
  EXPECT_EQ(cleaned("\"Prompt: A red fox curled up in fresh snow at dusk, watercolor\""), fox);
  EXPECT_EQ(cleaned("Sure! Here's a vivid image prompt for you:\n\n"
                    "A red fox curled up in fresh snow at dusk, watercolor\n\nEnjoy!"),
            fox);
  EXPECT_EQ(cleaned("Certainly, try this one:\nA red fox curled up in fresh snow at dusk, "
                    "watercolor"),
            fox)
      << "a line ending in a colon introduces the prompt";
}

TEST(SuggestionText, AColonInsideThePromptStays) {
  EXPECT_EQ(cleaned("A still life of three pears on a windowsill: soft light, oil painting"),
            "A still life of three pears on a windowsill: soft light, oil painting");
  EXPECT_EQ(cleaned("A glass sphere where it rains: macro photograph"),
            "A glass sphere where it rains: macro photograph")
      << "'here' only as a word of its own marks a lead-in";
}

TEST(SuggestionText, MarkdownGoes) {
  EXPECT_EQ(cleaned("```\nA red fox curled up in fresh snow at dusk, watercolor\n```"), fox);
  EXPECT_EQ(cleaned("# A red fox curled up in fresh snow at dusk, watercolor"), fox);
  EXPECT_EQ(cleaned("> A red fox curled up in fresh snow at dusk, watercolor"), fox);
  EXPECT_EQ(cleaned("- A red fox curled up in fresh snow at dusk, watercolor"), fox);
  EXPECT_EQ(cleaned("1. A red fox curled up in fresh snow at dusk, watercolor\n2. Another one"),
            fox)
      << "a list: its first entry";
  EXPECT_EQ(cleaned("A *red fox* curled up in __fresh__ snow at `dusk`, watercolor"), fox);
}

TEST(SuggestionText, NewlinesAndRunsOfSpaceGo) {
  EXPECT_EQ(cleaned("\r\n\r\nA red  fox curled up\tin fresh snow at dusk, watercolor\r\n"), fox);
}

TEST(SuggestionText, ReasoningIsSkipped) {
  EXPECT_EQ(cleaned("<think>The user wants a fox. Keep it short.</think>\n"
                    "A red fox curled up in fresh snow at dusk, watercolor"),
            fox);
  EXPECT_FALSE(clean_suggestion("<think>Still thinking about foxes").has_value())
      << "reasoning that never ended holds no suggestion";
}

TEST(SuggestionText, EmptyAndTooShortAnswersAreRefused) {
  EXPECT_FALSE(clean_suggestion("").has_value());
  EXPECT_FALSE(clean_suggestion("   \n\n ").has_value());
  EXPECT_FALSE(clean_suggestion("\"\"").has_value());
  EXPECT_FALSE(clean_suggestion("Prompt:").has_value());
  EXPECT_FALSE(clean_suggestion("```\n```").has_value());
  EXPECT_FALSE(clean_suggestion("A fox").has_value()) << "shorter than a suggestion";
}

TEST(SuggestionText, OverLongAnswersAreRefused) {
  const std::string at_limit(max_suggestion_chars, 'a');
  EXPECT_EQ(cleaned(at_limit), at_limit);
  EXPECT_FALSE(clean_suggestion(at_limit + "a").has_value());
  EXPECT_FALSE(clean_suggestion(std::string(64 * 1024, 'a')).has_value());
}

TEST(SuggestionText, SpoofingAndControlCharactersAreRefused) {
  EXPECT_FALSE(clean_suggestion("A red fox \u202Eecnarf ni\u202C in snow, watercolor").has_value())
      << "a text-direction override";
  EXPECT_FALSE(clean_suggestion("A red fox\u200B in fresh snow, watercolor").has_value())
      << "an invisible character";
  EXPECT_FALSE(clean_suggestion(std::string("A red fox in\x01 fresh snow, watercolor")).has_value())
      << "a control character";
  EXPECT_FALSE(clean_suggestion("A red fox in fresh snow \xC3\x28 watercolor").has_value())
      << "not UTF-8";
}

TEST(SuggestionText, OtherScriptsAreKept) {
  EXPECT_EQ(cleaned("\u300C雪の中で丸くなる赤い狐、水彩画\u300D"),
            "雪の中で丸くなる赤い狐、水彩画");
}

}  // namespace
