// The one error vocabulary of the application: every expected failure is an app_error value,
// carried in outcome<T> (boost::system::result). Value types; thread-safe to copy.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace visionary::core {

enum class error_kind {
  invalid_request,           // 400
  unauthorized,              // 401
  invalid_function_key,      // 401 (functions role: missing or wrong x-functions-key)
  forbidden,                 // 403
  not_found,                 // 404
  method_not_allowed,        // 405
  idempotency_key_reused,    // 409 (same Idempotency-Key, different request)
  payload_too_large,         // 413
  range_not_satisfiable,     // 416
  unsupported_media_type,    // 415
  content_policy_violation,  // 422
  rate_limited,              // 429
  internal_error,            // 500
  provider_error,            // 502
  provider_unavailable,      // 503
  provider_timeout,          // 504
  storage_unavailable,       // 503
  backend_unavailable,       // 503 (web role: the functions backend)
  backend_timeout,           // 504
  storage_error,             // 500
};

struct app_error {
  error_kind kind = error_kind::internal_error;
  std::string message;
  // Seconds the client should wait before retrying (429/503), when known.
  std::optional<int> retry_after_seconds;
};

// The stable machine-readable code ("invalid_request", ...), shared by API and UI.
[[nodiscard]] std::string_view error_code(error_kind kind);
[[nodiscard]] unsigned http_status(error_kind kind);

[[nodiscard]] inline app_error make_error(error_kind kind, std::string message) {
  return app_error{kind, std::move(message), std::nullopt};
}

// Thrown only when code calls .value() on a failed outcome, which is a bug.
[[noreturn]] void throw_exception_from_error(const app_error& error,
                                             const boost::source_location& location);

template <class T>
using outcome = boost::system::result<T, app_error>;

}  // namespace visionary::core
