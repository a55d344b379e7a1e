#include "core/error.hpp"

#include <stdexcept>

namespace visionary::core {

std::string_view error_code(error_kind kind) {
  switch (kind) {
    case error_kind::invalid_request:
      return "invalid_request";
    case error_kind::unauthorized:
      return "unauthorized";
    case error_kind::invalid_function_key:
      return "invalid_function_key";
    case error_kind::forbidden:
      return "forbidden";
    case error_kind::not_found:
      return "not_found";
    case error_kind::method_not_allowed:
      return "method_not_allowed";
    case error_kind::idempotency_key_reused:
      return "idempotency_key_reused";
    case error_kind::payload_too_large:
      return "payload_too_large";
    case error_kind::range_not_satisfiable:
      return "range_not_satisfiable";
    case error_kind::unsupported_media_type:
      return "unsupported_media_type";
    case error_kind::content_policy_violation:
      return "content_policy_violation";
    case error_kind::rate_limited:
      return "rate_limited";
    case error_kind::internal_error:
      return "internal_error";
    case error_kind::provider_error:
      return "provider_error";
    case error_kind::provider_unavailable:
      return "provider_unavailable";
    case error_kind::provider_timeout:
      return "provider_timeout";
    case error_kind::storage_unavailable:
      return "storage_unavailable";
    case error_kind::storage_error:
      return "storage_error";
    case error_kind::backend_unavailable:
      return "backend_unavailable";
    case error_kind::backend_timeout:
      return "backend_timeout";
  }
  return "internal_error";
}

unsigned http_status(error_kind kind) {
  switch (kind) {
    case error_kind::invalid_request:
      return 400;
    case error_kind::unauthorized:
      return 401;
    case error_kind::invalid_function_key:
      return 401;
    case error_kind::forbidden:
      return 403;
    case error_kind::not_found:
      return 404;
    case error_kind::method_not_allowed:
      return 405;
    case error_kind::idempotency_key_reused:
      return 409;
    case error_kind::payload_too_large:
      return 413;
    case error_kind::range_not_satisfiable:
      return 416;
    case error_kind::unsupported_media_type:
      return 415;
    case error_kind::content_policy_violation:
      return 422;
    case error_kind::rate_limited:
      return 429;
    case error_kind::internal_error:
      return 500;
    case error_kind::provider_error:
      return 502;
    case error_kind::provider_unavailable:
      return 503;
    case error_kind::provider_timeout:
      return 504;
    case error_kind::storage_unavailable:
      return 503;
    case error_kind::storage_error:
      return 500;
    case error_kind::backend_unavailable:
      return 503;
    case error_kind::backend_timeout:
      return 504;
  }
  return 500;
}

void throw_exception_from_error(const app_error& error, const boost::source_location&) {
  throw std::logic_error("unchecked failed outcome: " + std::string(error_code(error.kind)) + ": " +
                         error.message);
}

}  // namespace visionary::core
