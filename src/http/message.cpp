#include "http/message.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace visionary::http {

query_list request_context::query() const {
  return decode_query(url);
}

std::optional<std::string> request_context::query_value(std::string_view name) const {
  for (auto& [key, value] : query()) {
    if (key == name) return std::move(value);
  }
  return std::nullopt;
}

response json_response(beast_http::status status, const boost::json::value& body) {
  response res{status, 11};
  res.set(beast_http::field::content_type, "application/json; charset=utf-8");
  res.set(beast_http::field::cache_control, "no-store");
  res.body() = boost::json::serialize(body);
  res.prepare_payload();
  return res;
}

response error_response(const http_error& error, std::string_view request_id) {
  const bool internal = is_internal(error);
  if (internal) spdlog::error("[{}] {}", request_id, error.message);
  // Internal details stay in the log.
  boost::json::object detail{
      {"code", error_code(error)},
      {"message", internal
                      ? "Something went wrong on the server; the request id helps find out what."
                      : error.message},
      {"requestId", request_id}};
  if (error.retry_after_seconds) detail["retryAfterSeconds"] = *error.retry_after_seconds;
  auto res = json_response(static_cast<beast_http::status>(http_status(error)),
                           boost::json::object{{"error", std::move(detail)}});
  if (error.retry_after_seconds) {
    res.set(beast_http::field::retry_after, std::to_string(*error.retry_after_seconds));
  }
  return res;
}

}  // namespace visionary::http
