// The error vocabulary every layer shares: an expected failure is an app_error value carried in
// outcome<T> (boost::system::result). HTTP statuses and HTTP-only kinds live in http/. Value types;
// thread-safe to copy.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace visionary {

enum class error_kind {
  invalid_request,
  unauthorized,
  forbidden,
  not_found,
  idempotency_key_reused,   // same Idempotency-Key, different request
  idempotency_in_progress,  // same Idempotency-Key, the first request is still running
  range_not_satisfiable,
  content_policy_violation,
  rate_limited,           // this client asks too often (or the provider says so)
  too_many_in_flight,     // this client, or the whole server, has as many generations running as
                          // allowed
  daily_quota_exhausted,  // this client has made its images for today
  budget_exhausted,       // the day's spending budget cannot cover this request
  precondition_failed,    // a conditional write found the blob changed (handled inside the server)
  internal_error,
  provider_error,
  provider_unavailable,
  provider_timeout,
  storage_unavailable,
  storage_error,
  cancelled,           // the user cancelled the job before it finished
  interrupted,         // the replica running the job stopped (crashed or killed) before it finished
  queue_full,          // this replica's job queue holds as many jobs as it may
  edit_not_supported,  // the chosen model (or its provider) cannot edit images
};

struct app_error {
  error_kind kind = error_kind::internal_error;
  std::string message;
  // Seconds the client should wait before retrying, when known.
  std::optional<int> retry_after_seconds;
  // The request field at fault ("size", "n"), when one is (OpenAI's error `param`).
  std::optional<std::string> param;
};

// The stable machine-readable code ("invalid_request", ...), shared by the API, the UI and logs.
[[nodiscard]] std::string_view error_code(error_kind kind);

[[nodiscard]] inline app_error make_error(error_kind kind, std::string message) {
  return app_error{kind, std::move(message), std::nullopt, std::nullopt};
}

// invalid_request naming the request field at fault.
[[nodiscard]] inline app_error make_field_error(std::string field, std::string message) {
  return app_error{error_kind::invalid_request, std::move(message), std::nullopt, std::move(field)};
}

// Thrown only when code calls .value() on a failed outcome, which is a bug.
[[noreturn]] void throw_exception_from_error(const app_error& error,
                                             const boost::source_location& location);

template <class T>
using outcome = boost::system::result<T, app_error>;

}  // namespace visionary
