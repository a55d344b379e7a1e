// The mapper from the project's failures to OpenAI's error answers (src/api/openai_errors.*):
// statuses, types and codes decided by kind and field, Retry-After and x-should-retry.
#include "api/openai_errors.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace {

using visionary::error_kind;
using visionary::make_error;
using visionary::make_field_error;
using visionary::api::openai_error_response;
using visionary::api::openai_shape_of;
namespace http = visionary::http;

boost::json::object error_of(const http::response& res) {
  return boost::json::parse(res.body()).as_object().at("error").as_object();
}

TEST(OpenAIErrors, ValidationFailuresNameTheirField) {
  const auto res = openai_error_response(make_field_error("size", "Unsupported size."), "r1");
  EXPECT_EQ(res.result_int(), 400);
  const auto error = error_of(res);
  EXPECT_EQ(error.at("type"), "invalid_request_error");
  EXPECT_EQ(error.at("param"), "size");
  EXPECT_EQ(error.at("code"), "invalid_value");
  EXPECT_EQ(error.at("message"), "Unsupported size.");
  EXPECT_EQ(error.size(), 4u);
  const auto unnamed = error_of(openai_error_response(
      make_error(error_kind::invalid_request, "The request body is not valid JSON."), "r1"));
  EXPECT_TRUE(unnamed.at("param").is_null());
}

TEST(OpenAIErrors, StatusesAndCodesFollowOpenAI) {
  auto unknown_model = make_error(error_kind::not_found, "No such model.");
  unknown_model.param = "model";
  const struct {
    http::http_error error;
    unsigned status;
    std::string_view type;
    std::string_view code;
  } cases[] = {
      {make_error(error_kind::unauthorized, "x"), 401, "invalid_request_error", "invalid_api_key"},
      {unknown_model, 404, "invalid_request_error", "model_not_found"},
      {make_error(error_kind::not_found, "x"), 404, "invalid_request_error", "not_found"},
      {make_error(error_kind::content_policy_violation, "x"), 400, "invalid_request_error",
       "content_policy_violation"},
      {make_error(error_kind::edit_not_supported, "x"), 400, "invalid_request_error",
       "edit_not_supported"},
      {make_error(error_kind::rate_limited, "x"), 429, "requests", "rate_limit_exceeded"},
      {make_error(error_kind::too_many_in_flight, "x"), 429, "requests", "rate_limit_exceeded"},
      {make_error(error_kind::budget_exhausted, "x"), 429, "insufficient_quota",
       "insufficient_quota"},
      {make_error(error_kind::provider_unavailable, "x"), 503, "server_error",
       "provider_unavailable"},
      {make_error(error_kind::provider_timeout, "x"), 504, "server_error", "provider_timeout"},
      {make_error(error_kind::internal_error, "x"), 500, "server_error", "internal_error"},
      {http::http_error(http::http_error_kind::api_disabled, "x"), 404, "invalid_request_error",
       "api_disabled"},
      {http::http_error(http::http_error_kind::payload_too_large, "x"), 413,
       "invalid_request_error", "payload_too_large"},
      {http::http_error(http::http_error_kind::backend_unavailable, "x"), 503, "server_error",
       "backend_unavailable"},
  };
  for (const auto& c : cases) {
    const auto shape = openai_shape_of(c.error);
    EXPECT_EQ(shape.status, c.status) << c.code;
    EXPECT_EQ(shape.type, c.type) << c.code;
    EXPECT_EQ(shape.code, c.code);
    EXPECT_EQ(openai_error_response(c.error, "r").result_int(), c.status) << c.code;
  }
}

TEST(OpenAIErrors, RetryHintsAndHiddenInternals) {
  auto limited = make_error(error_kind::rate_limited, "Slow down.");
  limited.retry_after_seconds = 7;
  const auto res = openai_error_response(limited, "r");
  EXPECT_EQ(res[boost::beast::http::field::retry_after], "7");
  EXPECT_EQ(res["x-should-retry"], "");
  auto spent = make_error(error_kind::daily_quota_exhausted, "Come back tomorrow.");
  EXPECT_EQ(openai_error_response(spent, "r")["x-should-retry"], "false");
  const auto internal =
      error_of(openai_error_response(make_error(error_kind::storage_error, "disk /x full"), "r"));
  EXPECT_EQ(std::string(internal.at("message").as_string()).find("/x"), std::string::npos);
}

}  // namespace
