#include "core/validation.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace visionary::core;
using visionary::error_kind;

const model_capabilities gpt_image = capabilities_for(provider_kind::openai, "gpt-image-1");
const model_capabilities dalle3 = capabilities_for(provider_kind::openai, "dall-e-3");
const model_capabilities demo = capabilities_for(provider_kind::demo, "procedural-v1");

generation_input prompt_only(std::string prompt) {
  generation_input in;
  in.prompt = std::move(prompt);
  return in;
}

std::string repeat(std::string_view unit, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += unit;
  return out;
}

void expect_invalid(const generation_input& in, const model_capabilities& caps,
                    std::string_view message_part = "",
                    std::size_t limit = default_max_prompt_chars) {
  const auto result = validate_generation(in, caps, limit);
  ASSERT_FALSE(result.has_value()) << "accepted: " << testing::PrintToString(in.prompt);
  EXPECT_EQ(result.error().kind, error_kind::invalid_request);
  EXPECT_NE(result.error().message.find(message_part), std::string::npos) << result.error().message;
}

TEST(Validation, PromptMissingEmptyOrBlank) {
  expect_invalid(generation_input{}, demo, "'prompt' is required");
  expect_invalid(prompt_only(""), demo, "Prompt must not be empty.");
  expect_invalid(prompt_only("   \t\n "), demo, "Prompt must not be empty.");
  expect_invalid(prompt_only("\xC2\xA0\xE3\x80\x80"), demo, "Prompt must not be empty.");
}

TEST(Validation, PromptIsTrimmed) {
  const auto r = validate_generation(prompt_only("  \xC2\xA0 A red fox \n\t"), demo, 4000);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->prompt, "A red fox");
}

TEST(Validation, LimitCountsCodePointsNotBytes) {
  EXPECT_TRUE(validate_generation(prompt_only(repeat("\xC3\xA9", 4000)), dalle3, 4000).has_value());
  expect_invalid(prompt_only(repeat("\xC3\xA9", 4001)), dalle3, "4001", 4000);
  EXPECT_TRUE(
      validate_generation(prompt_only(repeat("\xF0\x9F\xA6\x8A", 10)), demo, 10).has_value());
  expect_invalid(prompt_only(repeat("a", 11)), demo, "limit is 10", 10);
  // Surrounding spaces do not count.
  EXPECT_TRUE(
      validate_generation(prompt_only("  " + repeat("a", 10) + "  "), demo, 10).has_value());
}

TEST(Validation, EffectiveLimitIsTheSmallerOfConfigAndModel) {
  EXPECT_EQ(prompt_limit(dalle3, 10'000), 4000u);
  EXPECT_EQ(prompt_limit(gpt_image, 10'000), 10'000u);
  EXPECT_EQ(prompt_limit(gpt_image, 100), 100u);
  expect_invalid(prompt_only(repeat("a", 4001)), dalle3, "limit is 4000", 32000);
  EXPECT_TRUE(validate_generation(prompt_only(repeat("a", 4001)), gpt_image, 32000).has_value());
}

TEST(Validation, RejectsInvalidUtf8) {
  expect_invalid(prompt_only("a red \xC3"), demo, "UTF-8");
  expect_invalid(prompt_only("\xED\xA0\x80"), demo, "UTF-8");
  expect_invalid(prompt_only("\xC0\xAF"), demo, "UTF-8");
}

TEST(Validation, RejectsControlCharactersButAllowsNewlineAndTab) {
  for (const std::string& bad : {std::string("a\x01"
                                             "b"),
                                 std::string("a\x7f"
                                             "b"),
                                 std::string("a\rb"),
                                 std::string("a\xC2\x85"
                                             "b"),
                                 std::string("a\xC2\x9F"
                                             "b"),
                                 std::string("a\x1b[31mb"), std::string("a\0b", 3)}) {
    expect_invalid(prompt_only(bad), demo, "control characters");
  }
  const auto ok = validate_generation(prompt_only("line one\nline two\twith tab"), demo, 4000);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->prompt, "line one\nline two\twith tab");
  // NBSP (U+00A0, also C2-led) is ordinary text inside a prompt.
  EXPECT_TRUE(validate_generation(prompt_only("a\xC2\xA0"
                                              "b"),
                                  demo, 4000)
                  .has_value());
}

TEST(Validation, RejectsCharactersThatDisguiseTextInTheGallery) {
  struct spoof {
    std::string text;
    std::string_view named;  // what the message must say
  };
  const std::vector<spoof> spoofs = {
      {"a\u202Eb", "U+202E"},       // right-to-left override
      {"a\u202Ab", "U+202A"},       // left-to-right embedding
      {"a\u2066b", "U+2066"},       // left-to-right isolate
      {"a\u2069b", "U+2069"},       // pop directional isolate
      {"a\u200Bb", "U+200B"},       // zero-width space
      {"a\u2060b", "U+2060"},       // word joiner
      {"a\uFEFFb", "U+FEFF"},       // zero-width no-break space
      {"a\u2028b", "U+2028"},       // line separator
      {"a\u2029b", "U+2029"},       // paragraph separator
      {"a\uFDD0b", "U+FDD0"},       // noncharacter
      {"a\uFFFEb", "U+FFFE"},       // noncharacter
      {"a\U0001FFFFb", "U+1FFFF"},  // noncharacter in a supplementary plane
  };
  for (const auto& [text, named] : spoofs) {
    SCOPED_TRACE(named);
    expect_invalid(prompt_only(text), demo, named);
  }
}

TEST(Validation, KeepsJoinersThatScriptsAndEmojiNeed) {
  // ZWJ builds emoji sequences, ZWNJ is part of Persian and Indic spelling; LRM/RLM are marks.
  for (const std::string& ok : {std::string("family \U0001F468\u200D\U0001F469\u200D\U0001F467"),
                                std::string("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645"),
                                std::string("price \u200F100\u200E")}) {
    const auto result = validate_generation(prompt_only(ok), demo, 4000);
    EXPECT_TRUE(result.has_value()) << ok << ": " << result.error().message;
  }
}

TEST(Validation, UnknownSizeListsAllowedValues) {
  generation_input in = prompt_only("fox");
  in.size = "1792x1024";
  expect_invalid(in, gpt_image, "Choose one of: 1024x1024, 1536x1024, 1024x1536, auto.");
  expect_invalid(in, demo, "Unsupported size '1792x1024'");
  EXPECT_TRUE(validate_generation(in, dalle3, 4000).has_value());
}

TEST(Validation, UnknownQualityListsAllowedValues) {
  generation_input in = prompt_only("fox");
  in.quality = "hd";
  expect_invalid(in, gpt_image, "Choose one of: low, medium, high, auto.");
  auto r = validate_generation(in, dalle3, 4000);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->quality, std::optional<std::string>("hd"));
  in.quality = "high";
  expect_invalid(in, dalle3, "Choose one of: standard, hd.");
  expect_invalid(in, demo, "does not support the 'quality' option");
}

TEST(Validation, StyleOnlyForDalle3) {
  generation_input in = prompt_only("fox");
  in.style = "vivid";
  expect_invalid(in, gpt_image, "does not support the 'style' option");
  expect_invalid(in, demo, "'style'");
  const auto r = validate_generation(in, dalle3, 4000);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->style, std::optional<std::string>("vivid"));
  in.style = "cartoon";
  expect_invalid(in, dalle3, "Choose one of: vivid, natural.");
}

TEST(Validation, NBounds) {
  generation_input in = prompt_only("fox");
  for (std::int64_t n : {1, 2, 4}) {
    in.n = n;
    const auto r = validate_generation(in, gpt_image, 4000);
    ASSERT_TRUE(r.has_value()) << n;
    EXPECT_EQ(r->n, n);
  }
  for (std::int64_t n :
       {std::int64_t{0}, std::int64_t{-1}, std::int64_t{5}, std::int64_t{1} << 40}) {
    in.n = n;
    expect_invalid(in, gpt_image, "between 1 and 4");
  }
  in.n = 1;
  EXPECT_TRUE(validate_generation(in, dalle3, 4000).has_value());
  in.n = 2;
  expect_invalid(in, dalle3, "between 1 and 1");
}

TEST(Validation, DefaultsApplied) {
  const auto r = validate_generation(prompt_only("fox"), gpt_image, 4000);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->size, "1024x1024");
  EXPECT_EQ(r->n, 1);
  EXPECT_EQ(r->quality, std::nullopt);  // the provider's own default applies
  EXPECT_EQ(r->style, std::nullopt);
  const auto local = validate_generation(
      prompt_only("fox"), capabilities_for(provider_kind::openai_compatible, "sd"), 4000);
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->size, "512x512");
}

TEST(Validation, ValidatePromptAloneTrimsAndChecks) {
  EXPECT_EQ(validate_prompt("  fox \n", 10).value(), "fox");
  EXPECT_EQ(validate_prompt(repeat("\xC3\xA9", 10), 10).value(), repeat("\xC3\xA9", 10));
  EXPECT_FALSE(validate_prompt(repeat("\xC3\xA9", 11), 10).has_value());
  EXPECT_FALSE(validate_prompt(" \t ", 10).has_value());
  EXPECT_FALSE(validate_prompt("a\x01", 10).has_value());
  EXPECT_FALSE(validate_prompt("\xFF", 10).has_value());
}

TEST(PageLimit, DefaultAndBounds) {
  EXPECT_EQ(parse_page_limit(std::nullopt).value(), 50);
  EXPECT_EQ(parse_page_limit("1").value(), 1);
  EXPECT_EQ(parse_page_limit("100").value(), 100);
  EXPECT_EQ(parse_page_limit("42").value(), 42);
  for (const char* bad :
       {"0", "101", "-1", "abc", "", "5x", " 5", "5 ", "+5", "1e2", "2.5", "99999999999"}) {
    const auto r = parse_page_limit(std::string_view(bad));
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().kind, error_kind::invalid_request);
    EXPECT_NE(r.error().message.find("1 to 100"), std::string::npos);
  }
}

const model_capabilities gpt_image_2 = capabilities_for(provider_kind::openai, "gpt-image-2");
const model_capabilities gpt_image_15 = capabilities_for(provider_kind::openai, "gpt-image-1.5");
const model_capabilities a1111 = capabilities_for(provider_kind::automatic1111, "sdxl");

generation_input sized(std::string size) {
  auto in = prompt_only("a lighthouse");
  in.size = std::move(size);
  return in;
}

TEST(Validation, GptImage2CustomSizesBreakingEachRuleAreRefusedNamingIt) {
  expect_invalid(sized("1000x1008"), gpt_image_2, "multiples of 16");
  expect_invalid(sized("4096x1536"), gpt_image_2, "from 16 to 3840 pixels");
  expect_invalid(sized("3072x1008"), gpt_image_2, "aspect ratio must be between 1:3 and 3:1");
  expect_invalid(sized("768x768"), gpt_image_2, "589,824 pixels; the model takes from 655,360");
  expect_invalid(sized("3840x2176"), gpt_image_2, "8,355,840 pixels");
  expect_invalid(sized("big"), gpt_image_2, "not of the form WxH");
  for (const char* fine :
       {"1280x720", "2048x1536", "3840x1280", "1280x3840", "auto", "3840x2160", "816x816"}) {
    const auto ok = validate_generation(sized(fine), gpt_image_2, default_max_prompt_chars);
    ASSERT_TRUE(ok.has_value()) << fine << ": " << ok.error().message;
    EXPECT_EQ(ok->size, fine);
  }
}

TEST(Validation, ModelsWithoutCustomSizesTakeOnlyPresets) {
  expect_invalid(sized("1280x720"), gpt_image_15, "Choose one of: 1024x1024");
  expect_invalid(sized("1280x720"), dalle3, "Choose one of");
}

TEST(Validation, TransparencyNeedsAModelAndAFormatThatHaveIt) {
  auto in = prompt_only("a sticker");
  in.background = "transparent";
  expect_invalid(in, gpt_image_2, "Unsupported background 'transparent'");
  in.output_format = "jpeg";
  expect_invalid(in, gpt_image_15, "transparent background needs png or webp");
  in.output_format = "webp";
  const auto ok = validate_generation(in, gpt_image_15, default_max_prompt_chars);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->background, "transparent");
  EXPECT_EQ(ok->output_format, "webp");
}

TEST(Validation, CompressionOnlyForJpegAndWebpOfModelsThatTakeIt) {
  auto in = prompt_only("a harbour");
  in.output_compression = 70;
  expect_invalid(in, gpt_image_2, "jpeg and webp output only");  // png is the default
  in.output_format = "jpeg";
  const auto ok = validate_generation(in, gpt_image_2, default_max_prompt_chars);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->output_compression, 70);
  in.output_compression = 101;
  expect_invalid(in, gpt_image_2, "from 0 to 100");
  in.output_compression = 50;
  expect_invalid(in, dalle3, "does not support the 'output_format' option");
  auto moderation = prompt_only("a harbour");
  moderation.moderation = "strict";
  expect_invalid(moderation, gpt_image_2, "Choose one of: auto, low");
}

TEST(Validation, TheRequestNamesAModelOfTheMenuAndIsCheckedAgainstIt) {
  auto menu = model_menu::build(model_catalog::built_in(), provider_kind::openai, "gpt-image-2",
                                std::nullopt, {});
  ASSERT_TRUE(menu.has_value()) << menu.error().message;
  auto in = sized("1280x720");
  const auto defaulted = validate_generation(in, *menu, default_max_prompt_chars);
  ASSERT_TRUE(defaulted.has_value()) << defaulted.error().message;
  EXPECT_EQ(defaulted->model, "gpt-image-2");
  in.model = "gpt-image-1-mini";
  const auto mini = validate_generation(in, *menu, default_max_prompt_chars);
  ASSERT_FALSE(mini.has_value()) << "gpt-image-1-mini has presets only";
  in.size = "1536x1024";
  const auto chosen = validate_generation(in, *menu, default_max_prompt_chars);
  ASSERT_TRUE(chosen.has_value()) << chosen.error().message;
  EXPECT_EQ(chosen->model, "gpt-image-1-mini");
  in.model = "dall-e-3";
  const auto unknown = validate_generation(in, *menu, default_max_prompt_chars);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("Unknown model 'dall-e-3'. Choose one of: gpt-image-2, "
                                         "gpt-image-1.5, gpt-image-1, gpt-image-1-mini."),
            std::string::npos)
      << unknown.error().message;
}

TEST(Validation, LocalEngineSettingsWithinTheirRanges) {
  auto in = prompt_only("a castle");
  in.negative_prompt = "  blurry, low quality ";
  in.seed = 4294967295;
  in.steps = 30;
  in.cfg_scale = 6.5;
  in.sampler = "DPM++ 2M";
  in.checkpoint = "sdxl_base.safetensors";
  const auto ok = validate_generation(in, a1111, default_max_prompt_chars);
  ASSERT_TRUE(ok.has_value()) << ok.error().message;
  EXPECT_EQ(ok->engine.negative_prompt, "blurry, low quality");
  EXPECT_EQ(ok->engine.seed, 4294967295);
  EXPECT_EQ(ok->engine.steps, 30);
  EXPECT_EQ(ok->engine.cfg_scale, 6.5);
  EXPECT_EQ(ok->engine.sampler, "DPM++ 2M");
  EXPECT_EQ(ok->engine.checkpoint, "sdxl_base.safetensors");

  auto bad = in;
  bad.seed = -1;
  expect_invalid(bad, a1111, "'seed' must be a whole number from 0 to 4294967295");
  bad = in;
  bad.steps = 0;
  expect_invalid(bad, a1111, "'steps' must be a whole number from 1 to 150");
  bad = in;
  bad.steps = 2.5;
  expect_invalid(bad, a1111, "'steps' must be a whole number");
  bad = in;
  bad.cfg_scale = 31;
  expect_invalid(bad, a1111, "'cfg_scale' must be from 1 to 30");
  bad = in;
  bad.denoising_strength = 1.5;
  expect_invalid(bad, a1111, "'denoising_strength' must be from 0 to 1");
  auto strength = in;
  strength.denoising_strength = 0.35;
  auto kept = validate_generation(strength, a1111, default_max_prompt_chars);
  ASSERT_TRUE(kept) << kept.error().message;
  EXPECT_EQ(kept->engine.denoising_strength, 0.35);
  bad = in;
  bad.sampler = std::string(201, 'a');
  expect_invalid(bad, a1111, "'sampler' must be a name of 1 to 200");
  bad = in;
  bad.negative_prompt = "bad\x01";
  expect_invalid(bad, a1111, "Negative prompt:");
  auto cloud = prompt_only("a castle");
  cloud.seed = 1;
  expect_invalid(cloud, gpt_image_2, "gpt-image-2 does not support the 'seed' option");
  cloud = prompt_only("a castle");
  cloud.denoising_strength = 0.5;
  expect_invalid(cloud, gpt_image_2, "does not support the 'denoising_strength' option");
  cloud = prompt_only("a castle");
  cloud.negative_prompt = "";
  EXPECT_TRUE(validate_generation(cloud, gpt_image_2, default_max_prompt_chars).has_value())
      << "an empty negative prompt is no negative prompt";
}

}  // namespace

namespace {

using namespace visionary::core;

TEST(Validation, SamplerAndCheckpointMustBeAmongThoseTheEngineLists) {
  const engine_choices listed{{"Euler a", "DPM++ 2M"}, {"sd15 [abc]"}};
  engine_settings settings;
  EXPECT_TRUE(validate_engine_choices(settings, listed));
  settings.sampler = "DPM++ 2M";
  settings.checkpoint = "sd15 [abc]";
  EXPECT_TRUE(validate_engine_choices(settings, listed));
  settings.sampler = "Heun";
  auto refused = validate_engine_choices(settings, listed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, visionary::error_kind::invalid_request);
  EXPECT_NE(refused.error().message.find("sampler 'Heun'"), std::string::npos);
  EXPECT_NE(refused.error().message.find("Euler a, DPM++ 2M"), std::string::npos);
  settings.sampler = "Euler a";
  settings.checkpoint = "sdxl";
  refused = validate_engine_choices(settings, listed);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("checkpoint 'sdxl'"), std::string::npos);
}

TEST(Validation, EmptyListsCheckNothingAndLongListsAreShortenedInTheMessage) {
  engine_settings settings;
  settings.sampler = "anything";
  EXPECT_TRUE(validate_engine_choices(settings, engine_choices{}));
  engine_choices many;
  for (int i = 0; i < 20; ++i) many.samplers.push_back("s" + std::to_string(i));
  const auto refused = validate_engine_choices(settings, many);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("s7, …"), std::string::npos);
  EXPECT_EQ(refused.error().message.find("s8"), std::string::npos);
}

}  // namespace
