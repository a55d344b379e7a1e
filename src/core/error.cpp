#include "core/error.hpp"

#include <stdexcept>

namespace visionary::core {

namespace {

struct error_info {
  std::string_view code;
  unsigned status;
};

// The one table of codes and statuses; the switch has no default so a new kind cannot be forgotten.
error_info info(error_kind kind) {
  switch (kind) {
    // clang-format off
    case error_kind::invalid_request:          return {"invalid_request", 400};
    case error_kind::unauthorized:             return {"unauthorized", 401};
    case error_kind::invalid_function_key:     return {"invalid_function_key", 401};
    case error_kind::forbidden:                return {"forbidden", 403};
    case error_kind::not_found:                return {"not_found", 404};
    case error_kind::method_not_allowed:       return {"method_not_allowed", 405};
    case error_kind::idempotency_key_reused:   return {"idempotency_key_reused", 409};
    case error_kind::payload_too_large:        return {"payload_too_large", 413};
    case error_kind::unsupported_media_type:   return {"unsupported_media_type", 415};
    case error_kind::range_not_satisfiable:    return {"range_not_satisfiable", 416};
    case error_kind::content_policy_violation: return {"content_policy_violation", 422};
    case error_kind::rate_limited:             return {"rate_limited", 429};
    case error_kind::internal_error:           return {"internal_error", 500};
    case error_kind::storage_error:            return {"storage_error", 500};
    case error_kind::provider_error:           return {"provider_error", 502};
    case error_kind::provider_unavailable:     return {"provider_unavailable", 503};
    case error_kind::storage_unavailable:      return {"storage_unavailable", 503};
    case error_kind::backend_unavailable:      return {"backend_unavailable", 503};
    case error_kind::provider_timeout:         return {"provider_timeout", 504};
    case error_kind::backend_timeout:          return {"backend_timeout", 504};
    // clang-format on
  }
  return {"internal_error", 500};
}

}  // namespace

std::string_view error_code(error_kind kind) { return info(kind).code; }

unsigned http_status(error_kind kind) { return info(kind).status; }

void throw_exception_from_error(const app_error& error, const boost::source_location&) {
  throw std::logic_error("unchecked failed outcome: " + std::string(error_code(error.kind)) + ": " +
                         error.message);
}

}  // namespace visionary::core
