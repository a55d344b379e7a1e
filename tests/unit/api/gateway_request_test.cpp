// The body of POST /v1/images/generations (src/api/gateway_request.*): OpenAI's fields beside the
// generation's, their types and ranges, and the default answer format by model.
#include "api/gateway_request.hpp"

#include <gtest/gtest.h>

#include <string_view>

namespace {

using visionary::api::default_answer_format;
using visionary::api::image_answer_format;
using visionary::api::parse_gateway_request;

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
