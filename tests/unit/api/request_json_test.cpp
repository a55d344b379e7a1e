// The JSON body of POST /api/generateImage (src/api/request_json.*): accepted fields and types,
// refused bodies as invalid_request.
#include "api/request_json.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace {

using visionary::error_kind;
using visionary::api::parse_generation_json;

TEST(RequestJson, ReadsEveryField) {
  const auto input = parse_generation_json(
      R"({"prompt":"a red fox","size":"1024x1024","quality":"hd","style":"vivid","n":2})");
  ASSERT_TRUE(input.has_value()) << input.error().message;
  EXPECT_EQ(input->prompt, "a red fox");
  EXPECT_EQ(input->size, "1024x1024");
  EXPECT_EQ(input->quality, "hd");
  EXPECT_EQ(input->style, "vivid");
  EXPECT_EQ(input->n, 2);
}

TEST(RequestJson, NullMeansNotGivenAndWholeDoublesCount) {
  const auto input = parse_generation_json(R"({"prompt":"x","size":null,"n":3.0})");
  ASSERT_TRUE(input.has_value()) << input.error().message;
  EXPECT_EQ(input->size, std::nullopt);
  EXPECT_EQ(input->n, 3);
  const auto huge = parse_generation_json(R"({"prompt":"x","n":18446744073709551615})");
  ASSERT_TRUE(huge.has_value()) << huge.error().message;
  EXPECT_EQ(huge->n, 1'000'000'000'000)
      << "kept large (and then refused by validation), not wrapped";
}

TEST(RequestJson, RefusesWhatIsNotAGenerationRequest) {
  for (std::string_view body :
       {std::string_view(""), std::string_view("not json"), std::string_view("[1]"),
        std::string_view(R"({"prompt":1})"), std::string_view(R"({"prompt":null})"),
        std::string_view(R"({"prompt":"x","size":5})"),
        std::string_view(R"({"prompt":"x","n":1.5})"),
        std::string_view(R"({"prompt":"x","n":"2"})"),
        std::string_view(R"({"prompt":"x","n":1e12})"),
        std::string_view(R"({"prompt":"x","seeds":1})"),
        std::string_view(R"({"prompt":"x","seed":"1"})"),
        std::string_view(R"({"prompt":"x","seed":0.5})"),
        std::string_view(R"({"prompt":"x","cfg_scale":"7"})"),
        std::string_view(R"({"prompt":"x","output_format":1})")}) {
    SCOPED_TRACE(std::string(body));
    const auto input = parse_generation_json(body);
    ASSERT_FALSE(input.has_value());
    EXPECT_EQ(input.error().kind, error_kind::invalid_request);
    EXPECT_FALSE(input.error().message.empty());
  }
}

TEST(RequestJson, ReadsEveryCatalogueOptionAndEngineSetting) {
  const auto input = parse_generation_json(
      R"({"prompt":"x","model":"gpt-image-2","background":"opaque","output_format":"webp",)"
      R"("output_compression":80,"moderation":"low","negative_prompt":"blurry","seed":42,)"
      R"("steps":30,"cfg_scale":6.5,"sampler":"Euler a","checkpoint":"sdxl.safetensors"})");
  ASSERT_TRUE(input.has_value()) << input.error().message;
  EXPECT_EQ(input->model, "gpt-image-2");
  EXPECT_EQ(input->background, "opaque");
  EXPECT_EQ(input->output_format, "webp");
  EXPECT_EQ(input->output_compression, 80);
  EXPECT_EQ(input->moderation, "low");
  EXPECT_EQ(input->negative_prompt, "blurry");
  EXPECT_EQ(input->seed, 42);
  EXPECT_EQ(input->steps, 30.0);
  EXPECT_EQ(input->cfg_scale, 6.5);
  EXPECT_EQ(input->sampler, "Euler a");
  EXPECT_EQ(input->checkpoint, "sdxl.safetensors");
}

}  // namespace
