// The AUTOMATIC1111 wire format: txt2img request body from a generation request, images from an
// answer, and how far a running job is from a progress answer.
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

TEST(ProgressResponse, ReadsFractionStepsEtaAndThePictureSoFar) {
  auto progress = visionary::providers::parse_progress_response(
      R"json({"progress":0.45,"eta_relative":3.5,"state":{"skipped":false,"interrupted":false,
          "job":"task(1)","job_count":1,"job_no":0,"sampling_step":9,"sampling_steps":20},
          "current_image":"data:image/png;base64,aGVsbG8=","textinfo":null})json");
  ASSERT_TRUE(progress) << progress.error().message;
  EXPECT_DOUBLE_EQ(progress->fraction, 0.45);
  EXPECT_EQ(progress->step, 9);
  EXPECT_EQ(progress->steps, 20);
  EXPECT_EQ(progress->eta_seconds, 3.5);
  EXPECT_EQ(progress->current_image, "aGVsbG8=");
  EXPECT_TRUE(progress->busy);
}

TEST(ProgressResponse, AnIdleServerAndMissingOrOddFields) {
  auto idle = visionary::providers::parse_progress_response(
      R"({"progress":0.0,"eta_relative":0.0,"state":{"job_count":0,"sampling_step":0,
          "sampling_steps":0},"current_image":null})");
  ASSERT_TRUE(idle) << idle.error().message;
  EXPECT_FALSE(idle->busy);
  EXPECT_TRUE(idle->current_image.empty());
  // A server that mirrors the API only in part: what is missing or odd is left out.
  auto partial = visionary::providers::parse_progress_response(
      R"({"progress":1.7,"eta_relative":-2,"state":{"sampling_step":"x"}})");
  ASSERT_TRUE(partial) << partial.error().message;
  EXPECT_DOUBLE_EQ(partial->fraction, 1.0);
  EXPECT_EQ(partial->eta_seconds, std::nullopt);
  EXPECT_EQ(partial->step, std::nullopt);
  EXPECT_EQ(partial->steps, std::nullopt);
  EXPECT_TRUE(partial->busy);
  for (const char* bad : {"not json", "[]", R"({"state":{}})", R"({"progress":"half"})"}) {
    auto parsed = visionary::providers::parse_progress_response(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, error_kind::provider_error) << bad;
  }
}

}  // namespace
