// The bodies of POST /v1/images/generations and /v1/images/edits (src/api/gateway_request.*):
// OpenAI's fields beside the generation's, their types and ranges, an edit's files, and the
// default answer format by model.
#include "api/gateway_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

using visionary::api::default_answer_format;
using visionary::api::image_answer_format;
using visionary::api::parse_gateway_edit_form;
using visionary::api::parse_gateway_request;
using visionary::http::multipart_part;

constexpr std::string_view png_bytes = "\x89PNG\r\n\x1a\n0000";

multipart_part text_part(std::string name, std::string_view value) {
  return multipart_part{std::move(name), std::nullopt, "text/plain", value};
}

multipart_part file_part(std::string name, std::string_view bytes) {
  return multipart_part{std::move(name), "f.png", "image/png", bytes};
}

TEST(GatewayEditForm, ImagesMaskAndTextFields) {
  const std::vector<multipart_part> parts = {text_part("prompt", "a fox"),
                                             file_part("image[]", png_bytes),
                                             file_part("image[]", png_bytes),
                                             file_part("mask", png_bytes),
                                             text_part("stream", "true"),
                                             text_part("partial_images", "2"),
                                             text_part("response_format", "url"),
                                             text_part("input_fidelity", "high"),
                                             text_part("n", "2")};
  const auto read = parse_gateway_edit_form(parts);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(read->form.source_upload);
  EXPECT_FALSE(read->form.source_id);
  EXPECT_EQ(read->form.references.size(), 1u);
  EXPECT_TRUE(read->form.mask);
  EXPECT_EQ(read->form.input_fidelity, "high");
  EXPECT_EQ(read->form.fields.prompt, "a fox");
  EXPECT_EQ(read->form.fields.n, 2);
  EXPECT_TRUE(read->answer.stream);
  EXPECT_EQ(read->answer.partial_images, 2);
  EXPECT_EQ(read->answer.response_format, image_answer_format::url);
}

TEST(GatewayEditForm, RefusalsNameTheField) {
  const struct {
    std::vector<multipart_part> parts;
    std::string_view param;
  } cases[] = {
      {{text_part("prompt", "x")}, "image"},
      {{text_part("image", "0000000000000-abcdefghij"), text_part("prompt", "x")}, "image"},
      {{file_part("image", "plain text"), text_part("prompt", "x")}, "image"},
      {{file_part("image", png_bytes), file_part("mask", "GIF89a")}, "mask"},
      {{file_part("image", png_bytes), file_part("reference", png_bytes)}, "reference"},
      {{file_part("image", png_bytes), text_part("stream", "yes")}, "stream"},
      {{file_part("image", png_bytes), text_part("partial_images", "9")}, "partial_images"},
      {{file_part("image", png_bytes), text_part("user", "a"), text_part("user", "b")}, "user"},
      {{file_part("image", png_bytes), text_part("n", "many")}, "n"},
  };
  for (const auto& c : cases) {
    const auto read = parse_gateway_edit_form(c.parts);
    ASSERT_FALSE(read) << c.param;
    EXPECT_EQ(read.error().param, std::string(c.param)) << read.error().message;
  }
  std::vector<multipart_part> many;
  for (int i = 0; i < 17; ++i) many.push_back(file_part("image[]", png_bytes));
  const auto too_many = parse_gateway_edit_form(many);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().param, "image");
}

TEST(GatewayRequest, ReadsOpenAIFieldsBesideTheGeneration) {
  const auto request = parse_gateway_request(
      R"({"prompt":"a fox","model":"gpt-image-1","n":2,"size":"1024x1536","quality":"low",
          "background":"opaque","output_format":"webp","output_compression":50,
          "moderation":"low","response_format":"url","user":"u-1","stream":true,
          "partial_images":2})");
  ASSERT_TRUE(request.has_value()) << request.error().message;
  EXPECT_EQ(request->input.prompt, "a fox");
  EXPECT_EQ(request->input.model, "gpt-image-1");
  EXPECT_EQ(request->input.n, 2);
  EXPECT_EQ(request->input.output_compression, 50);
  EXPECT_EQ(request->response_format, image_answer_format::url);
  EXPECT_EQ(request->user, "u-1");
  EXPECT_TRUE(request->stream);
  EXPECT_EQ(request->partial_images, 2);
}

TEST(GatewayRequest, DefaultsAndNulls) {
  const auto request =
      parse_gateway_request(R"({"prompt":"x","response_format":null,"stream":null})");
  ASSERT_TRUE(request.has_value()) << request.error().message;
  EXPECT_EQ(request->response_format, std::nullopt);
  EXPECT_FALSE(request->stream);
  EXPECT_EQ(request->partial_images, 0);
}

TEST(GatewayRequest, RefusalsNameTheField) {
  const struct {
    std::string_view body;
    std::string_view field;
  } cases[] = {
      {R"({"prompt":"x","response_format":"gif"})", "response_format"},
      {R"({"prompt":"x","stream":"yes"})", "stream"},
      {R"({"prompt":"x","partial_images":4})", "partial_images"},
      {R"({"prompt":"x","partial_images":1.5})", "partial_images"},
      {R"({"prompt":"x","partial_images":-1})", "partial_images"},
      {R"({"prompt":"x","user":7})", "user"},
      {R"({"prompt":"x","size":7})", "size"},
      {R"({"prompt":"x","colour":"red"})", "colour"},
  };
  for (const auto& c : cases) {
    const auto request = parse_gateway_request(c.body);
    ASSERT_FALSE(request.has_value()) << c.body;
    EXPECT_EQ(request.error().param, std::string(c.field)) << c.body;
  }
  EXPECT_FALSE(parse_gateway_request("[]").has_value());
  EXPECT_FALSE(parse_gateway_request("{").has_value());
}

TEST(GatewayRequest, DallEAnswersWithLinksOthersWithBase64) {
  EXPECT_EQ(default_answer_format("dall-e-3"), image_answer_format::url);
  EXPECT_EQ(default_answer_format("dall-e-2"), image_answer_format::url);
  EXPECT_EQ(default_answer_format("gpt-image-2"), image_answer_format::b64_json);
  EXPECT_EQ(default_answer_format("procedural-v1"), image_answer_format::b64_json);
}

}  // namespace
