// openai_errors: the one mapper from the project's failures (app_error kinds and the HTTP-only
// kinds) to OpenAI's error answer, {"error": {"message", "type", "param", "code"}}, with the status
// OpenAI's clients expect (a refused prompt is a 400 there, rate limits a 429 with Retry-After).
// Decided by kind and field, never by message text. Pure functions; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

#include "http/message.hpp"

namespace visionary::api {

struct openai_error_shape {
  unsigned status = 500;
  std::string_view type;  // "invalid_request_error", "requests", "insufficient_quota", ...
  std::string_view code;  // "invalid_api_key", "model_not_found", ...
};

[[nodiscard]] openai_error_shape openai_shape_of(const http::http_error& error);

// {"message", "type", "param", "code"}: the inside of the answer, also the payload of a stream's
// error event. Internal details stay in the log.
[[nodiscard]] boost::json::object openai_error_json(const http::http_error& error);

// The whole answer: status, JSON, Retry-After when known, and x-should-retry: false where retrying
// cannot help (a spent quota or budget), which OpenAI's SDKs obey.
[[nodiscard]] http::response openai_error_response(const http::http_error& error,
                                                   std::string_view request_id);

}  // namespace visionary::api
