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
    EXPECT_EQ(c.size.values, (strings{"512x512", "768x768", "1024x1024", "768x512", "512x768"}))
        << provider;
    EXPECT_EQ(c.size.default_value, "512x512");
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

}  // namespace
