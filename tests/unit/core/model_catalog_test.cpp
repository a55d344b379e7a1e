#include "core/model_catalog.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using namespace visionary::core;
using strings = std::vector<std::string>;

// The catalogue by the provider names operators write in VISIONARY_PROVIDER.
model_capabilities capabilities_named(std::string_view provider, std::string_view model) {
  const auto kind = parse_provider_kind(provider);
  EXPECT_TRUE(kind.has_value()) << provider;
  return capabilities_for(kind.value_or(provider_kind::demo), model);
}

TEST(ModelCatalog, GptImageHasQualityNoStyle) {
  for (const char* provider : {"openai", "azure-openai"}) {
    for (const char* model : {"gpt-image-1", "gpt-image-1-mini"}) {
      const auto c = capabilities_named(provider, model);
      EXPECT_EQ(c.size.values, (strings{"1024x1024", "1536x1024", "1024x1536", "auto"}));
      EXPECT_EQ(c.size.default_value, "1024x1024");
      ASSERT_TRUE(c.quality.has_value());
      EXPECT_EQ(c.quality->values, (strings{"low", "medium", "high", "auto"}));
      EXPECT_EQ(c.quality->default_value, "auto");
      EXPECT_FALSE(c.style.has_value());
      EXPECT_EQ(c.max_n, 4);
      EXPECT_EQ(c.max_prompt_chars, 32000u);
    }
  }
}

TEST(ModelCatalog, Dalle3HasStyleAndOneImage) {
  const auto c = capabilities_named("openai", "dall-e-3");
  EXPECT_EQ(c.size.values, (strings{"1024x1024", "1792x1024", "1024x1792"}));
  EXPECT_EQ(c.size.default_value, "1024x1024");
  ASSERT_TRUE(c.quality.has_value());
  EXPECT_EQ(c.quality->values, (strings{"standard", "hd"}));
  EXPECT_EQ(c.quality->default_value, "standard");
  ASSERT_TRUE(c.style.has_value());
  EXPECT_EQ(c.style->values, (strings{"vivid", "natural"}));
  EXPECT_EQ(c.style->default_value, "vivid");
  EXPECT_EQ(c.max_n, 1);
  EXPECT_EQ(c.max_prompt_chars, 4000u);
}

TEST(ModelCatalog, Dalle2) {
  const auto c = capabilities_named("azure-openai", "dall-e-2");
  EXPECT_EQ(c.size.values, (strings{"256x256", "512x512", "1024x1024"}));
  EXPECT_FALSE(c.quality.has_value());
  EXPECT_FALSE(c.style.has_value());
  EXPECT_EQ(c.max_n, 4);
  EXPECT_EQ(c.max_prompt_chars, 1000u);
}

TEST(ModelCatalog, DemoHasNeitherQualityNorStyle) {
  const auto c = capabilities_named("demo", "procedural-v1");
  EXPECT_EQ(c.size.values, (strings{"1024x1024", "1536x1024", "1024x1536"}));
  EXPECT_EQ(c.size.default_value, "1024x1024");
  EXPECT_FALSE(c.quality.has_value());
  EXPECT_FALSE(c.style.has_value());
  EXPECT_EQ(c.max_n, 4);
  EXPECT_EQ(c.max_prompt_chars, 4000u);
}

TEST(ModelCatalog, LocalServersGetStableDiffusionSizes) {
  for (const auto& [provider, model] :
       std::vector<std::pair<const char*, const char*>>{{"openai-compatible", "sd-1.5"},
                                                        {"automatic1111", "any"},
                                                        {"openai-compatible", "dall-e-3"}}) {
    const auto c = capabilities_named(provider, model);
    ASSERT_GE(c.size.values.size(), 5u) << provider;
    EXPECT_EQ(strings(c.size.values.begin(), c.size.values.begin() + 5),
              (strings{"512x512", "768x768", "1024x1024", "768x512", "512x768"}))
        << provider;
    EXPECT_EQ(c.size.default_value, "512x512");
    ASSERT_TRUE(c.custom_size.has_value());
    EXPECT_EQ(c.custom_size->multiple_of, 8);
    EXPECT_FALSE(c.quality.has_value());
    EXPECT_FALSE(c.style.has_value());
  }
}

TEST(ModelCatalog, DefaultsAreAmongValues) {
  for (const auto& [provider, model] :
       std::vector<std::pair<const char*, const char*>>{{"demo", "procedural-v1"},
                                                        {"openai", "gpt-image-1"},
                                                        {"openai", "dall-e-3"},
                                                        {"openai", "dall-e-2"},
                                                        {"automatic1111", "x"}}) {
    const auto c = capabilities_named(provider, model);
    EXPECT_TRUE(c.size.allows(c.size.default_value)) << provider << "/" << model;
    if (c.quality) {
      EXPECT_TRUE(c.quality->allows(c.quality->default_value));
    }
    if (c.style) {
      EXPECT_TRUE(c.style->allows(c.style->default_value));
    }
    EXPECT_GE(c.max_n, 1);
  }
  EXPECT_FALSE(capabilities_named("demo", "").size.allows("1024X1024"));  // exact match only
}

TEST(ModelCatalog, GptImage2TakesCustomSizesWithinItsRules) {
  const auto c = capabilities_named("openai", "gpt-image-2");
  EXPECT_EQ(c.label, "GPT Image 2");
  EXPECT_TRUE(c.size.allows("3840x2160"));
  EXPECT_TRUE(c.size.allows("auto"));
  ASSERT_TRUE(c.custom_size.has_value());
  EXPECT_EQ(c.custom_size->multiple_of, 16);
  EXPECT_EQ(c.custom_size->max_edge, 3840);
  EXPECT_EQ(c.custom_size->min_pixels, 655'360u);
  EXPECT_EQ(c.custom_size->max_pixels, 8'294'400u);
  EXPECT_EQ(c.custom_size->max_aspect, 3.0);
  ASSERT_TRUE(c.background.has_value());
  EXPECT_FALSE(c.background->allows("transparent")) << "gpt-image-2 makes no transparent images";
  ASSERT_TRUE(c.output_format.has_value());
  EXPECT_EQ(c.output_format->values, (strings{"png", "jpeg", "webp"}));
  EXPECT_TRUE(c.output_compression);
  ASSERT_TRUE(c.moderation.has_value());
  EXPECT_EQ(c.moderation->values, (strings{"auto", "low"}));
  EXPECT_TRUE(c.can_edit);
  EXPECT_FALSE(c.input_fidelity.has_value());
  EXPECT_FALSE(c.controls.any());
}

TEST(ModelCatalog, OlderGptImageModelsMakeTransparentImagesAndOnlyPresets) {
  for (const char* model : {"gpt-image-1.5", "gpt-image-1", "gpt-image-1-mini"}) {
    const auto c = capabilities_named("openai", model);
    EXPECT_FALSE(c.custom_size.has_value()) << model;
    ASSERT_TRUE(c.background.has_value());
    EXPECT_TRUE(c.background->allows("transparent")) << model;
    EXPECT_EQ(c.input_fidelity.has_value(), std::string_view(model) != "gpt-image-1-mini") << model;
  }
}

TEST(ModelCatalog, AzureOpenAiMakesNoWebp) {
  const auto c = capabilities_named("azure-openai", "gpt-image-1.5");
  ASSERT_TRUE(c.output_format.has_value());
  EXPECT_EQ(c.output_format->values, (strings{"png", "jpeg"}));
}

TEST(ModelCatalog, OpenAiOffersTodaysModelsNotRetiredOnes) {
  strings offered;
  for (const auto* entry : model_catalog::built_in().offered_for(provider_kind::openai))
    offered.push_back(entry->capabilities.id);
  EXPECT_EQ(offered, (strings{"gpt-image-2", "gpt-image-1.5", "gpt-image-1", "gpt-image-1-mini"}));
  EXPECT_TRUE(model_catalog::built_in().offered_for(provider_kind::automatic1111).empty());
}

TEST(ModelCatalog, DatedSnapshotsAreDescribedByTheirFamily) {
  const auto& catalog = model_catalog::built_in();
  auto two = catalog.find(provider_kind::openai, "gpt-image-2-2026-04-21");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->id, "gpt-image-2");
  auto mini = catalog.find(provider_kind::openai, "gpt-image-1-mini-2025-10-06");
  ASSERT_TRUE(mini.has_value());
  EXPECT_EQ(mini->id, "gpt-image-1-mini") << "the longest matching id wins";
}

TEST(ModelCatalog, AnUnknownOpenAiModelNeedsItsEntryNamed) {
  const auto& catalog = model_catalog::built_in();
  auto unknown = catalog.find(provider_kind::azure_openai, "prod-images");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().kind, visionary::error_kind::not_found);
  EXPECT_NE(unknown.error().message.find("VISIONARY_CATALOG_MODEL"), std::string::npos);
  auto named = catalog.find(provider_kind::azure_openai, "prod-images", "gpt-image-2");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->id, "gpt-image-2");
  EXPECT_FALSE(catalog.find(provider_kind::openai, "x", "automatic1111").has_value())
      << "an entry of another provider";
}

TEST(ModelCatalog, LocalEnginesHaveTheirControls) {
  const auto a1111 = capabilities_named("automatic1111", "sdxl");
  EXPECT_TRUE(a1111.controls.negative_prompt);
  EXPECT_TRUE(a1111.controls.seed);
  ASSERT_TRUE(a1111.controls.steps.has_value());
  EXPECT_EQ(a1111.controls.steps->default_value, 20);
  ASSERT_TRUE(a1111.controls.cfg_scale.has_value());
  EXPECT_EQ(a1111.controls.cfg_scale->max, 30);
  EXPECT_TRUE(a1111.controls.sampler);
  EXPECT_TRUE(a1111.controls.checkpoint);
  // A generic OpenAI-compatible server takes none; LocalAI and sd-server take theirs.
  const auto generic = capabilities_named("openai-compatible", "sd-turbo");
  EXPECT_FALSE(generic.controls.negative_prompt);
  EXPECT_FALSE(generic.controls.seed);
  const auto catalog = model_catalog::built_in();
  const auto localai = catalog.find(provider_kind::openai_compatible, "sd-turbo", "localai");
  ASSERT_TRUE(localai) << localai.error().message;
  EXPECT_TRUE(localai->controls.negative_prompt);
  EXPECT_TRUE(localai->controls.seed);
  EXPECT_TRUE(localai->controls.steps.has_value());
  EXPECT_FALSE(localai->controls.cfg_scale.has_value());
  EXPECT_FALSE(localai->controls.sampler);
  const auto sd_server = catalog.find(provider_kind::openai_compatible, "sd-turbo", "sd-server");
  ASSERT_TRUE(sd_server) << sd_server.error().message;
  EXPECT_TRUE(sd_server->controls.cfg_scale.has_value());
  EXPECT_FALSE(sd_server->controls.checkpoint);
}

TEST(ModelCatalog, AModelsFileAddsAndOverridesEntries) {
  const auto extended = model_catalog::with_file(model_catalog::built_in(), R"({"models": [
      {"id": "gpt-image-3", "label": "GPT Image 3", "providers": ["openai"],
       "sizes": ["1024x1024", "2048x2048"], "defaultSize": "2048x2048",
       "quality": {"values": ["high"], "default": "high"}, "maxN": 2, "canEdit": true},
      {"id": "gpt-image-2", "maxN": 8, "customSize": {"maxEdge": 2048}}]})");
  ASSERT_TRUE(extended.has_value()) << extended.error().message;
  auto three = extended->find(provider_kind::openai, "gpt-image-3");
  ASSERT_TRUE(three.has_value());
  EXPECT_EQ(three->size.default_value, "2048x2048");
  EXPECT_EQ(three->max_n, 2);
  EXPECT_EQ(three->label, "GPT Image 3");
  auto two = extended->find(provider_kind::openai, "gpt-image-2");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->max_n, 8);
  EXPECT_EQ(two->custom_size->max_edge, 2048);
  EXPECT_EQ(two->custom_size->multiple_of, 16) << "fields not named keep their value";
  EXPECT_TRUE(two->output_compression);
  strings offered;
  for (const auto* entry : extended->offered_for(provider_kind::openai))
    offered.push_back(entry->capabilities.id);
  EXPECT_EQ(offered.back(), "gpt-image-3");
}

TEST(ModelCatalog, AModelsFileWithMistakesIsRefusedNamingThem) {
  const std::pair<const char*, const char*> cases[] = {
      {R"([])", "{\"models\""},
      {R"({"models": [{"label": "x"}]})", "\"id\""},
      {R"({"models": [{"id": "new", "sizes": ["512x512"]}]})", "model new.providers"},
      {R"({"models": [{"id": "new", "providers": ["openai"]}]})", "model new.sizes"},
      {R"({"models": [{"id": "gpt-image-2", "maxN": 11}]})", "model gpt-image-2.maxN"},
      {R"({"models": [{"id": "gpt-image-2", "colour": true}]})", "unknown field 'colour'"},
      {R"({"models": [{"id": "gpt-image-2", "sizes": ["big"]}]})", "model gpt-image-2.sizes"},
      {R"({"models": [{"id": "gpt-image-2", "providers": ["midjourney"]}]})", "providers"},
      {R"({"models": [{"id": "gpt-image-2", "quality": {"values": ["a"], "default": "b"}}]})",
       "model gpt-image-2.quality"}};
  for (const auto& [json, named] : cases) {
    auto parsed = model_catalog::with_file(model_catalog::built_in(), json);
    ASSERT_FALSE(parsed.has_value()) << json;
    EXPECT_NE(parsed.error().message.find(named), std::string::npos)
        << json << " → " << parsed.error().message;
  }
}

TEST(ModelCatalog, ParsesSizes) {
  ASSERT_TRUE(parse_size("1024x1536").has_value());
  EXPECT_EQ(parse_size("1024x1536")->width, 1024);
  EXPECT_EQ(parse_size("1024x1536")->height, 1536);
  for (const char* bad : {"", "x", "1024", "1024x", "x1024", "0x10", "-1x10", "1024X1024",
                          "123456x1", "10x10x10", " 10x10"})
    EXPECT_FALSE(parse_size(bad).has_value()) << bad;
}

}  // namespace
