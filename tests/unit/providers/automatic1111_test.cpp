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

TEST(Txt2ImgBody, CarriesTheEngineSettingsAndTheRequestsCheckpointFirst) {
  generation_request request;
  request.prompt = "x";
  request.size = "512x512";
  request.engine.negative_prompt = "blurry";
  request.engine.seed = 4294967295;
  request.engine.steps = 30;
  request.engine.cfg_scale = 6.5;
  request.engine.sampler = "DPM++ 2M";
  request.engine.checkpoint = "sdxl [def]";
  const auto body = boost::json::parse(build_txt2img_body(request, "sd15")).as_object();
  EXPECT_EQ(body.at("negative_prompt").as_string(), "blurry");
  EXPECT_EQ(body.at("seed").as_int64(), 4294967295);
  EXPECT_EQ(body.at("steps").as_int64(), 30);
  EXPECT_DOUBLE_EQ(body.at("cfg_scale").as_double(), 6.5);
  EXPECT_EQ(body.at("sampler_name").as_string(), "DPM++ 2M");
  EXPECT_EQ(body.at("override_settings").as_object().at("sd_model_checkpoint").as_string(),
            "sdxl [def]");
  // Without settings none of the fields is sent: the server's own defaults apply.
  generation_request plain;
  plain.prompt = "x";
  plain.size = "512x512";
  const auto defaults = boost::json::parse(build_txt2img_body(plain, "")).as_object();
  for (const char* field : {"negative_prompt", "steps", "cfg_scale", "sampler_name"})
    EXPECT_FALSE(defaults.contains(field)) << field;
}

TEST(Txt2ImgImages, EachImageGetsTheSeedTheInfoReports) {
  auto images = visionary::providers::parse_txt2img_images(
      R"({"images":["aGVsbG8=","d29ybGQ="],
          "info":"{\"seed\": 1234, \"all_seeds\": [1234, 1235], \"prompt\": \"x\"}"})");
  ASSERT_TRUE(images) << images.error().message;
  EXPECT_EQ((*images)[0].seed, 1234);
  EXPECT_EQ((*images)[1].seed, 1235);
  auto one = visionary::providers::parse_txt2img_images(
      R"({"images":["aGVsbG8="],"info":"{\"seed\": 77}"})");
  ASSERT_TRUE(one);
  EXPECT_EQ((*one)[0].seed, 77);
}

TEST(Txt2ImgImages, SeedsThatCannotBeTrustedAreLeftOut) {
  using visionary::providers::seeds_of_info;
  // A batch whose info has only the first seed: which seed made which picture is unknown.
  EXPECT_TRUE(seeds_of_info(R"({"seed": 5})", 2).empty());
  EXPECT_TRUE(seeds_of_info(R"({"all_seeds": [5]})", 2).empty());
  EXPECT_TRUE(seeds_of_info(R"({"all_seeds": [5, -1]})", 2).empty());
  EXPECT_TRUE(seeds_of_info(R"({"seed": 99999999999})", 1).empty());
  EXPECT_TRUE(seeds_of_info(R"({"seed": "5"})", 1).empty());
  EXPECT_TRUE(seeds_of_info("not json", 1).empty());
  EXPECT_EQ(seeds_of_info(R"({"all_seeds": [1, 2, 3]})", 2), (std::vector<std::int64_t>{1, 2}));
  // An info that is not JSON leaves the images without seeds but still good.
  auto images = visionary::providers::parse_txt2img_images(R"({"images":["aGVsbG8="],"info":"?"})");
  ASSERT_TRUE(images);
  EXPECT_EQ((*images)[0].seed, std::nullopt);
}

TEST(EngineListings, SamplersByNameCheckpointsByTitle) {
  auto samplers = visionary::providers::parse_sampler_list(
      R"([{"name":"Euler a","aliases":["k_euler_a"],"options":{}},
          {"name":"DPM++ 2M","aliases":[],"options":{}},{"name":"Euler a"}])");
  ASSERT_TRUE(samplers) << samplers.error().message;
  EXPECT_EQ(*samplers, (std::vector<std::string>{"Euler a", "DPM++ 2M"}));
  auto checkpoints = visionary::providers::parse_checkpoint_list(
      R"([{"title":"v1-5-pruned-emaonly.safetensors [6ce0161689]",
           "model_name":"v1-5-pruned-emaonly","hash":"6ce0161689"}])");
  ASSERT_TRUE(checkpoints) << checkpoints.error().message;
  EXPECT_EQ(*checkpoints,
            (std::vector<std::string>{"v1-5-pruned-emaonly.safetensors [6ce0161689]"}));
}

TEST(EngineListings, RefusesOtherShapesAndKeepsAtMostTheLimit) {
  using visionary::providers::parse_sampler_list;
  for (const char* bad : {"not json", "{}", R"([{"title":"x"}])", R"([{"name":""}])",
                          R"([{"name":"a\u0000b"}])", R"([{"name":7}])"}) {
    auto parsed = parse_sampler_list(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, error_kind::provider_error) << bad;
  }
  boost::json::array many;
  for (std::size_t i = 0; i < visionary::providers::max_listed_choices + 50; ++i)
    many.push_back(boost::json::object{{"name", "s" + std::to_string(i)}});
  auto capped = parse_sampler_list(boost::json::serialize(many));
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->size(), visionary::providers::max_listed_choices);
}

TEST(Img2ImgBody, TheSourceAtItsSizeTheMaskInvertedAndTheStrength) {
  auto inputs = std::make_shared<visionary::core::edit_inputs>();
  inputs->source = {"SOURCE", "png", 771, 515};
  inputs->mask = visionary::core::edit_image{"MASK", "png", 771, 515};
  generation_request request;
  request.prompt = "repaint";
  request.size = "512x512";
  request.engine.denoising_strength = 0.3;
  request.edit = inputs;
  const auto body =
      boost::json::parse(visionary::providers::build_img2img_body(request, "")).as_object();
  EXPECT_EQ(body.at("width").as_int64(), 768);  // multiples of 8, the source's proportions
  EXPECT_EQ(body.at("height").as_int64(), 512);
  EXPECT_EQ(body.at("init_images").as_array().at(0).as_string(), "U09VUkNF");
  EXPECT_EQ(body.at("mask").as_string(), "TUFTSw==");
  EXPECT_EQ(body.at("inpainting_mask_invert").as_int64(), 1);
  EXPECT_DOUBLE_EQ(body.at("denoising_strength").as_double(), 0.3);
  EXPECT_EQ(body.at("prompt").as_string(), "repaint");
  // No mask: the whole picture, at the default strength.
  inputs->mask.reset();
  request.engine.denoising_strength.reset();
  const auto whole =
      boost::json::parse(visionary::providers::build_img2img_body(request, "")).as_object();
  EXPECT_FALSE(whole.contains("mask"));
  EXPECT_DOUBLE_EQ(whole.at("denoising_strength").as_double(),
                   visionary::providers::default_denoising_strength);
}

}  // namespace
