// The AUTOMATIC1111 txt2img wire format: request body from a generation request, images from an
// answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "providers/automatic1111_provider.hpp"

namespace {

using visionary::error_kind;
using visionary::core::generation_request;
using visionary::providers::build_txt2img_body;
using visionary::providers::parse_txt2img_response;

TEST(Txt2ImgBody, CarriesPromptSizeAndBatch) {
  generation_request request;
  request.prompt = "a castle, ünïcode \"quoted\"";
  request.size = "768x512";
  request.n = 3;
  const auto body = boost::json::parse(build_txt2img_body(request, "")).as_object();
  EXPECT_EQ(body.at("prompt").as_string(), "a castle, ünïcode \"quoted\"");
  EXPECT_EQ(body.at("width").as_int64(), 768);
  EXPECT_EQ(body.at("height").as_int64(), 512);
  EXPECT_EQ(body.at("batch_size").as_int64(), 3);
  EXPECT_EQ(body.at("seed").as_int64(), -1);
  EXPECT_FALSE(body.contains("override_settings"));
}

TEST(Txt2ImgBody, NamesTheCheckpointWhenConfigured) {
  generation_request request;
  request.prompt = "x";
  request.size = "512x512";
  const auto body = boost::json::parse(build_txt2img_body(request, "sdxl-base-1.0")).as_object();
  EXPECT_EQ(body.at("override_settings").as_object().at("sd_model_checkpoint").as_string(),
            "sdxl-base-1.0");
}

TEST(Txt2ImgResponse, ReturnsEveryImageAndRejectsOtherShapes) {
  auto images =
      parse_txt2img_response(R"({"images":["aGVsbG8=","d29ybGQ="],"parameters":{},"info":"{}"})");
  ASSERT_TRUE(images);
  EXPECT_EQ(*images, (std::vector<std::string>{"aGVsbG8=", "d29ybGQ="}));
  for (const char* bad :
       {"not json", "[]", R"({"images":[]})", R"({"images":[1]})", R"({"detail":"x"})"}) {
    auto parsed = parse_txt2img_response(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, error_kind::provider_error) << bad;
  }
}

TEST(Txt2ImgImages, DecodesEveryImageSkippingADataUrlPrefix) {
  auto images = visionary::providers::parse_txt2img_images(
      R"({"images":["aGVsbG8=","data:image/png;base64,d29ybGQ="]})");
  ASSERT_TRUE(images) << images.error().message;
  ASSERT_EQ(images->size(), 2u);
  EXPECT_EQ((*images)[0].bytes, "hello");
  EXPECT_EQ((*images)[1].bytes, "world");
  EXPECT_EQ((*images)[1].revised_prompt, std::nullopt);
}

TEST(Txt2ImgImages, RefusesAnswersThatAreNotImages) {
  for (const char* bad : {"not json", R"({"images":[]})", R"({"images":["not base64!"]})",
                          R"({"images":["aGVsbG8=","data:,a"]})"}) {
    auto images = visionary::providers::parse_txt2img_images(bad);
    ASSERT_FALSE(images) << bad;
    EXPECT_EQ(images.error().kind, error_kind::provider_error) << bad;
  }
}

}  // namespace
