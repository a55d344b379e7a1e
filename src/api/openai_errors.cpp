#include "api/openai_errors.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace visionary::api {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

constexpr std::string_view invalid_request = "invalid_request_error";
constexpr std::string_view server_error = "server_error";
constexpr std::string_view internal_message =
    "Something went wrong on the server; the request id helps find out what.";

// The shared kinds; no default, so a new kind cannot be forgotten.
openai_error_shape shape_of(error_kind kind, const std::optional<std::string>& param) {
  const std::string_view code = visionary::error_code(kind);
  switch (kind) {
    // clang-format off
    case error_kind::invalid_request:
      return {400, invalid_request, param ? "invalid_value" : code};
    case error_kind::unauthorized:             return {401, invalid_request, "invalid_api_key"};
    case error_kind::forbidden:                return {403, "permission_error", code};
    case error_kind::not_found:
      return {404, invalid_request, param && *param == "model" ? "model_not_found" : code};
    case error_kind::idempotency_key_reused:   return {409, invalid_request, code};
    case error_kind::idempotency_in_progress:  return {409, invalid_request, code};
    case error_kind::range_not_satisfiable:    return {416, invalid_request, code};
    // OpenAI refuses a prompt with a 400, not our 422.
    case error_kind::content_policy_violation: return {400, invalid_request, code};
    case error_kind::edit_not_supported:       return {400, invalid_request, code};
    case error_kind::rate_limited:             return {429, "requests", "rate_limit_exceeded"};
    case error_kind::too_many_in_flight:       return {429, "requests", "rate_limit_exceeded"};
    case error_kind::daily_quota_exhausted:    return {429, "insufficient_quota", "insufficient_quota"};
    case error_kind::budget_exhausted:         return {429, "insufficient_quota", "insufficient_quota"};
    case error_kind::precondition_failed:      return {500, server_error, code};
    case error_kind::internal_error:           return {500, server_error, code};
    case error_kind::storage_error:            return {500, server_error, code};
    case error_kind::provider_error:           return {502, server_error, code};
    case error_kind::provider_unavailable:     return {503, server_error, code};
    case error_kind::storage_unavailable:      return {503, server_error, code};
    case error_kind::provider_timeout:         return {504, server_error, code};
    case error_kind::cancelled:                return {500, server_error, code};
    case error_kind::interrupted:              return {503, server_error, code};
    case error_kind::queue_full:               return {503, server_error, code};
      // clang-format on
  }
  return {500, server_error, code};
}

std::string_view type_of(http::http_error_kind kind) {
  switch (kind) {
    case http::http_error_kind::method_not_allowed:
    case http::http_error_kind::payload_too_large:
    case http::http_error_kind::unsupported_media_type:
    case http::http_error_kind::invalid_function_key:
    case http::http_error_kind::api_disabled:
      return invalid_request;
    case http::http_error_kind::too_many_connections:
      return "requests";
    case http::http_error_kind::backend_unavailable:
    case http::http_error_kind::backend_timeout:
    case http::http_error_kind::server_at_capacity:
      return server_error;
  }
  return server_error;
}

bool retrying_cannot_help(const http::http_error& error) {
  const auto* shared = std::get_if<error_kind>(&error.kind);
  return shared &&
         (*shared == error_kind::daily_quota_exhausted || *shared == error_kind::budget_exhausted);
}

}  // namespace

openai_error_shape openai_shape_of(const http::http_error& error) {
  if (const auto* shared = std::get_if<error_kind>(&error.kind))
    return shape_of(*shared, error.param);
  const auto kind = std::get<http::http_error_kind>(error.kind);
  return {http::http_status(error), type_of(kind), http::error_code(error)};
}

json::object openai_error_json(const http::http_error& error) {
  const auto shape = openai_shape_of(error);
  return json::object{
      {"message", http::is_internal(error) ? std::string(internal_message) : error.message},
      {"type", shape.type},
      {"param", error.param ? json::value(*error.param) : json::value(nullptr)},
      {"code", shape.code}};
}

http::response openai_error_response(const http::http_error& error, std::string_view request_id) {
  if (http::is_internal(error)) spdlog::error("[{}] {}", request_id, error.message);
  const auto shape = openai_shape_of(error);
  auto res = http::json_response(static_cast<bhttp::status>(shape.status),
                                 json::object{{"error", openai_error_json(error)}});
  if (error.retry_after_seconds)
    res.set(bhttp::field::retry_after, std::to_string(*error.retry_after_seconds));
  if (retrying_cannot_help(error)) res.set("x-should-retry", "false");
  return res;
}

}  // namespace visionary::api
