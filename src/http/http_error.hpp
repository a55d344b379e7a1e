// http_error: a failure as the HTTP layer answers it — any shared app_error, or one of the kinds
// only HTTP has (wrong method, body too large, the function key, the web tier's backend) — and the
// one table of error codes and statuses. Value types; thread-safe functions.
#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "util/error.hpp"

namespace visionary::http {

enum class http_error_kind {
  method_not_allowed,
  payload_too_large,
  unsupported_media_type,
  invalid_function_key,  // functions role: missing or wrong x-functions-key
  backend_unavailable,   // web role: the functions backend
  backend_timeout,
  too_many_connections,  // this client has as many connections open as the server allows it
  server_at_capacity,    // the server has as many connections open as it allows in all
  api_disabled,          // the OpenAI-compatible /v1 API is off (no VISIONARY_API_KEYS)
};

struct http_error {
  http_error() = default;      // an internal error; result<T, E> requires it
  http_error(app_error error)  // every shared failure is also an HTTP one
      : kind(error.kind),
        message(std::move(error.message)),
        retry_after_seconds(error.retry_after_seconds),
        param(std::move(error.param)) {}
  http_error(http_error_kind http_kind, std::string text)
      : kind(http_kind), message(std::move(text)) {}

  std::variant<error_kind, http_error_kind> kind = error_kind::internal_error;
  std::string message;
  std::optional<int> retry_after_seconds;
  std::optional<std::string> param;  // the request field at fault, when one is
};

[[nodiscard]] std::string_view error_code(const http_error& error);
[[nodiscard]] unsigned http_status(const http_error& error);
// True for failures whose detail belongs in the log, not in the answer.
[[nodiscard]] bool is_internal(const http_error& error);

[[noreturn]] void throw_exception_from_error(const http_error& error,
                                             const boost::source_location& location);

template <class T>
using http_outcome = boost::system::result<T, http_error>;

}  // namespace visionary::http
