#include "core/pricing.hpp"

#include <gtest/gtest.h>

namespace {

using namespace visionary::core;

generation_request request_of(std::string size, std::optional<std::string> quality, int n = 1) {
  generation_request r;
  r.prompt = "a red fox in the snow";
  r.size = std::move(size);
  r.quality = std::move(quality);
  r.n = n;
  return r;
}

const price_table builtin = price_table::builtin();

TEST(Pricing, GptImageCostComesFromUsageAtTokenPrices) {
  const auto plan = plan_for(builtin, provider_kind::openai, "gpt-image-1");
  const token_usage usage{50, 10, 4160};
  // (50 × $5 + 10 × $10 + 4160 × $40) per million tokens.
  EXPECT_NEAR(cost_of(plan, request_of("1024x1024", "high"), 1, usage), 0.16675, 1e-9);
}

TEST(Pricing, WorstCaseCoversAHighQualityAnswer) {
  const auto plan = plan_for(builtin, provider_kind::openai, "gpt-image-1");
  const auto high = request_of("1536x1024", "high");
  const double worst = worst_case_per_image(plan, high);
  EXPECT_GT(worst, cost_of(plan, high, 1, token_usage{50, 0, 6240}));  // OpenAI's own figure
  EXPECT_LT(worst, 1.0);
  EXPECT_LT(worst_case_per_image(plan, request_of("1024x1024", "low")), worst / 10);
  EXPECT_EQ(worst_case_per_image(plan, request_of("auto", "auto")), worst) << "auto is the dearest";
}

TEST(Pricing, DallEIsPricedPerImageByQualityAndSize) {
  const auto plan = plan_for(builtin, provider_kind::openai, "dall-e-3");
  EXPECT_NEAR(cost_of(plan, request_of("1024x1024", "standard"), 1, std::nullopt), 0.04, 1e-9);
  EXPECT_NEAR(cost_of(plan, request_of("1792x1024", "hd"), 2, std::nullopt), 0.24, 1e-9);
  EXPECT_NEAR(worst_case_per_image(plan, request_of("1024x1024", std::nullopt)), 0.08, 1e-9)
      << "without a quality the dearest one is reserved";
  const auto small = plan_for(builtin, provider_kind::azure_openai, "dall-e-2");
  EXPECT_NEAR(cost_of(small, request_of("256x256", std::nullopt), 3, std::nullopt), 0.048, 1e-9);
}

TEST(Pricing, UnknownPaidModelsAreNeverFree) {
  const auto deployment = plan_for(builtin, provider_kind::azure_openai, "prod-gpt-image-2-eu");
  ASSERT_FALSE(deployment.free());
  EXPECT_EQ(deployment.priced_as, "gpt-image-2");
  const auto odd = plan_for(builtin, provider_kind::openai, "my-image-model");
  ASSERT_FALSE(odd.free());
  EXPECT_EQ(odd.priced_as, "gpt-image-1");
}

TEST(Pricing, LocalEnginesAndTheDemoAreFreeUnlessListed) {
  EXPECT_TRUE(plan_for(builtin, provider_kind::demo, "procedural-v1").free());
  EXPECT_TRUE(plan_for(builtin, provider_kind::automatic1111, "sdxl").free());
  EXPECT_TRUE(plan_for(builtin, provider_kind::openai_compatible, "gpt-image-1-local").free());
  EXPECT_EQ(cost_of(plan_for(builtin, provider_kind::demo, "procedural-v1"),
                    request_of("1024x1024", std::nullopt), 4, std::nullopt),
            0);
  auto priced = price_table::with_overrides(
      builtin, R"({"models": {"sdxl": {"perImage": {"*": {"*": 0.002}}}}})");
  ASSERT_TRUE(priced.has_value()) << priced.error().message;
  const auto local = plan_for(*priced, provider_kind::automatic1111, "sdxl");
  ASSERT_FALSE(local.free());
  EXPECT_NEAR(cost_of(local, request_of("512x512", std::nullopt), 5, std::nullopt), 0.01, 1e-9);
}

TEST(Pricing, PricesFileOverridesBuiltInEntries) {
  auto table = price_table::with_overrides(
      builtin, R"({"models": {"gpt-image-1": {"tokens": {"textInput": 1, "imageOutput": 2}}}})");
  ASSERT_TRUE(table.has_value()) << table.error().message;
  const auto plan = plan_for(*table, provider_kind::openai, "gpt-image-1");
  EXPECT_NEAR(
      cost_of(plan, request_of("1024x1024", "low"), 1, token_usage{1'000'000, 0, 1'000'000}), 3.0,
      1e-9);
  EXPECT_NE(table->find("dall-e-3"), nullptr) << "other built-in entries stay";
}

TEST(Pricing, PricesFileErrorsNameTheProblem) {
  const std::pair<const char*, const char*> cases[] = {
      {"not json", "not JSON"},
      {R"({"prices": {}})", "\"models\""},
      {R"({"models": {"x": {}}})", "models.x needs"},
      {R"({"models": {"x": {"tokens": {"imageOutput": -1}}}})", "models.x.tokens.imageOutput"},
      {R"({"models": {"x": {"perImage": {"hd": {"1024x1024": "cheap"}}}}})", "models.x.perImage"},
  };
  for (const auto& [text, expected] : cases) {
    const auto table = price_table::with_overrides(builtin, text);
    ASSERT_FALSE(table.has_value()) << text;
    EXPECT_NE(table.error().message.find(expected), std::string::npos)
        << text << " → " << table.error().message;
  }
}

}  // namespace
