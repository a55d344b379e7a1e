#include "util/error.hpp"

#include <stdexcept>

namespace visionary {

std::string_view error_code(error_kind kind) {
  // No default: a new kind cannot be forgotten.
  switch (kind) {
    // clang-format off
    case error_kind::invalid_request:          return "invalid_request";
    case error_kind::unauthorized:             return "unauthorized";
    case error_kind::forbidden:                return "forbidden";
    case error_kind::not_found:                return "not_found";
    case error_kind::idempotency_key_reused:   return "idempotency_key_reused";
    case error_kind::idempotency_in_progress:  return "idempotency_in_progress";
    case error_kind::range_not_satisfiable:    return "range_not_satisfiable";
    case error_kind::content_policy_violation: return "content_policy_violation";
    case error_kind::rate_limited:             return "rate_limited";
    case error_kind::too_many_in_flight:       return "too_many_in_flight";
    case error_kind::daily_quota_exhausted:    return "daily_quota_exhausted";
    case error_kind::budget_exhausted:         return "budget_exhausted";
    case error_kind::precondition_failed:      return "precondition_failed";
    case error_kind::internal_error:           return "internal_error";
    case error_kind::provider_error:           return "provider_error";
    case error_kind::provider_unavailable:     return "provider_unavailable";
    case error_kind::provider_timeout:         return "provider_timeout";
    case error_kind::storage_unavailable:      return "storage_unavailable";
    case error_kind::storage_error:            return "storage_error";
    case error_kind::cancelled:                return "cancelled";
    case error_kind::interrupted:              return "interrupted";
    case error_kind::queue_full:               return "queue_full";
    case error_kind::edit_not_supported:       return "edit_not_supported";
      // clang-format on
  }
  return "internal_error";
}

void throw_exception_from_error(const app_error& error, const boost::source_location&) {
  throw std::logic_error("unchecked failed outcome: " + std::string(error_code(error.kind)) + ": " +
                         error.message);
}

}  // namespace visionary
