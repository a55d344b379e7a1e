#include "providers/chat_protocol.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>

namespace {

namespace json = boost::json;
using namespace visionary::providers;
using visionary::error_kind;

const visionary::core::suggestion_theme theme{"the deep sea", "watercolor"};

json::object body_for(chat_flavor flavor) {
  return json::parse(build_suggestion_body("gpt-4o-mini", theme, flavor)).as_object();
}

TEST(ChatUrl, ByFlavor) {
  EXPECT_EQ(chat_completions_url(chat_flavor::openai, "https://api.openai.com/v1/"),
            "https://api.openai.com/v1/chat/completions");
  EXPECT_EQ(chat_completions_url(chat_flavor::compatible, "http://127.0.0.1:8080/v1"),
            "http://127.0.0.1:8080/v1/chat/completions");
  EXPECT_EQ(chat_completions_url(chat_flavor::azure, "https://res.openai.azure.com"),
            "https://res.openai.azure.com/openai/v1/chat/completions");
  EXPECT_EQ(chat_completions_url(chat_flavor::azure, "https://res.openai.azure.com/openai/v1/"),
            "https://res.openai.azure.com/openai/v1/chat/completions")
      << "an endpoint copied with its v1 path";
}

TEST(ChatAuth, ParsesTheThreeNames) {
  EXPECT_EQ(parse_chat_auth("bearer"), chat_auth::bearer);
  EXPECT_EQ(parse_chat_auth("api-key"), chat_auth::api_key);
  EXPECT_EQ(parse_chat_auth("none"), chat_auth::none);
  EXPECT_FALSE(parse_chat_auth("Bearer").has_value());
  EXPECT_FALSE(parse_chat_auth("").has_value());
  for (const auto auth : {chat_auth::bearer, chat_auth::api_key, chat_auth::none}) {
    EXPECT_EQ(parse_chat_auth(chat_auth_name(auth)), auth);
  }
}

TEST(ChatBody, AsksForOnePromptOnTheTheme) {
  const auto body = body_for(chat_flavor::openai);
  EXPECT_EQ(body.at("model").as_string(), "gpt-4o-mini");
  EXPECT_EQ(body.at("n").as_int64(), 1);
  const auto& messages = body.at("messages").as_array();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].at("role").as_string(), "system");
  EXPECT_EQ(messages[1].at("role").as_string(), "user");
  const std::string ask(messages[1].at("content").as_string());
  EXPECT_NE(ask.find("the deep sea"), std::string::npos) << ask;
  EXPECT_NE(ask.find("watercolor"), std::string::npos) << ask;
  EXPECT_FALSE(body.contains("stream"));
}

TEST(ChatBody, TokenLimitFieldByFlavor) {
  EXPECT_EQ(body_for(chat_flavor::openai).at("max_completion_tokens").as_int64(),
            max_suggestion_answer_tokens);
  EXPECT_EQ(body_for(chat_flavor::azure).at("max_completion_tokens").as_int64(),
            max_suggestion_answer_tokens);
  EXPECT_FALSE(body_for(chat_flavor::azure).contains("max_tokens"));
  EXPECT_EQ(body_for(chat_flavor::compatible).at("max_tokens").as_int64(),
            max_suggestion_answer_tokens);
  EXPECT_FALSE(body_for(chat_flavor::compatible).contains("max_completion_tokens"));
}

TEST(ChatAnswer, ReadsTheFirstChoicesContent) {
  const auto text = parse_chat_answer(R"({
    "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "A \"quoted\" fox",
                 "refusal": null}, "logprobs": null, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 60, "completion_tokens": 9, "total_tokens": 69}})");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "A \"quoted\" fox");
}

TEST(ChatAnswer, MalformedAnswersAreProviderErrors) {
  for (const std::string_view body :
       {R"({"choices": [)", R"([])", R"({})", R"({"choices": []})", R"({"choices": [1]})",
        R"({"choices": [{"message": {"role": "assistant", "content": null,
            "refusal": "I can't help with that."}, "finish_reason": "stop"}]})",
        R"({"choices": [{"message": {"content": ["a", "b"]}}]})",
        R"({"choices": [{"message": {"content": "A fox in the"}, "finish_reason": "length"}]})",
        R"({"choices": [{"message": {"content": ""}, "finish_reason": "content_filter"}]})"}) {
    const auto text = parse_chat_answer(body);
    ASSERT_FALSE(text.has_value()) << body;
    EXPECT_EQ(text.error().kind, error_kind::provider_error) << body;
  }
}

TEST(ChatError, StatusDecidesTheKindAndTheLogGetsTheWords) {
  const auto now = std::chrono::system_clock::now();
  const std::string unauthorized =
      R"({"error": {"message": "Incorrect API key provided: sk-abc*****wxyz.",
          "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}})";
  const auto auth = classify_chat_error(401, unauthorized, std::nullopt, std::nullopt, now);
  EXPECT_EQ(auth.error.kind, error_kind::provider_error);
  EXPECT_EQ(auth.error.message.find("sk-"), std::string::npos) << "callers hear fixed words";
  EXPECT_NE(auth.detail.find("invalid_api_key"), std::string::npos) << auth.detail;
  EXPECT_NE(auth.detail.find("401"), std::string::npos) << auth.detail;

  const auto limited = classify_chat_error(429, R"({"error": {"message": "Rate limit"}})",
                                           std::nullopt, std::string_view("20"), now);
  EXPECT_EQ(limited.error.kind, error_kind::rate_limited);
  EXPECT_EQ(limited.error.retry_after_seconds, 20);
  const auto limited_ms = classify_chat_error(429, "", std::string_view("1500"), std::nullopt, now);
  EXPECT_EQ(limited_ms.error.retry_after_seconds, 2) << "rounded up";

  EXPECT_EQ(classify_chat_error(500, "oops", std::nullopt, std::nullopt, now).error.kind,
            error_kind::provider_unavailable);
  EXPECT_EQ(classify_chat_error(503, "", std::nullopt, std::nullopt, now).error.kind,
            error_kind::provider_unavailable);
  EXPECT_EQ(classify_chat_error(404, "", std::nullopt, std::nullopt, now).error.kind,
            error_kind::provider_error);
  EXPECT_FALSE(classify_chat_error(500, "", std::nullopt, std::string_view("20"), now)
                   .error.retry_after_seconds)
      << "only a rate limit carries a wait";
}

}  // namespace
