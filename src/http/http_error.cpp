#include "http/http_error.hpp"

#include <stdexcept>

namespace visionary::http {

namespace {

// The statuses of the shared kinds; no default, so a new kind cannot be forgotten.
unsigned status_of(error_kind kind) {
  switch (kind) {
    // clang-format off
    case error_kind::invalid_request:          return 400;
    case error_kind::unauthorized:             return 401;
    case error_kind::forbidden:                return 403;
    case error_kind::not_found:                return 404;
    case error_kind::idempotency_key_reused:   return 409;
    case error_kind::idempotency_in_progress:  return 409;
    case error_kind::range_not_satisfiable:    return 416;
    case error_kind::content_policy_violation: return 422;
    case error_kind::rate_limited:             return 429;
    case error_kind::too_many_in_flight:       return 429;
    case error_kind::daily_quota_exhausted:    return 429;
    case error_kind::budget_exhausted:         return 429;
    case error_kind::precondition_failed:      return 412;
    case error_kind::internal_error:           return 500;
    case error_kind::storage_error:            return 500;
    case error_kind::provider_error:           return 502;
    case error_kind::provider_unavailable:     return 503;
    case error_kind::storage_unavailable:      return 503;
    case error_kind::provider_timeout:         return 504;
    case error_kind::cancelled:                return 409;
    case error_kind::interrupted:              return 503;
    case error_kind::queue_full:               return 503;
    case error_kind::edit_not_supported:       return 400;
      // clang-format on
  }
  return 500;
}

struct http_only_info {
  std::string_view code;
  unsigned status;
};

http_only_info info_of(http_error_kind kind) {
  switch (kind) {
    // clang-format off
    case http_error_kind::method_not_allowed:     return {"method_not_allowed", 405};
    case http_error_kind::payload_too_large:      return {"payload_too_large", 413};
    case http_error_kind::unsupported_media_type: return {"unsupported_media_type", 415};
    case http_error_kind::invalid_function_key:   return {"invalid_function_key", 401};
    case http_error_kind::backend_unavailable:    return {"backend_unavailable", 503};
    case http_error_kind::backend_timeout:        return {"backend_timeout", 504};
    case http_error_kind::too_many_connections:   return {"too_many_connections", 429};
    case http_error_kind::server_at_capacity:     return {"server_at_capacity", 503};
    case http_error_kind::api_disabled:           return {"api_disabled", 404};
      // clang-format on
  }
  return {"internal_error", 500};
}

}  // namespace

std::string_view error_code(const http_error& error) {
  if (const auto* shared = std::get_if<error_kind>(&error.kind))
    return visionary::error_code(*shared);
  return info_of(std::get<http_error_kind>(error.kind)).code;
}

unsigned http_status(const http_error& error) {
  if (const auto* shared = std::get_if<error_kind>(&error.kind)) return status_of(*shared);
  return info_of(std::get<http_error_kind>(error.kind)).status;
}

bool is_internal(const http_error& error) {
  const auto* shared = std::get_if<error_kind>(&error.kind);
  return shared && (*shared == error_kind::internal_error || *shared == error_kind::storage_error);
}

void throw_exception_from_error(const http_error& error, const boost::source_location&) {
  throw std::logic_error("unchecked failed outcome: " + std::string(error_code(error)) + ": " +
                         error.message);
}

}  // namespace visionary::http
