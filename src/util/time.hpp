// Time helpers: millisecond clocks and the text formats the protocols need (RFC 3339, RFC 1123).
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace visionary::util {

using sys_time = std::chrono::system_clock::time_point;

[[nodiscard]] std::int64_t unix_millis(sys_time t);
[[nodiscard]] sys_time from_unix_millis(std::int64_t millis);

// 2026-11-24T23:05:12.345Z
[[nodiscard]] std::string format_rfc3339_millis(sys_time t);
// 2026-11-24T23:05:12Z (whole seconds, the form Azure SAS uses)
[[nodiscard]] std::string format_iso_seconds(sys_time t);
// Accepts YYYY-MM-DDThh:mm:ss[.fff]Z only (UTC); nullopt otherwise.
[[nodiscard]] std::optional<sys_time> parse_iso_utc(std::string_view text);
// Tue, 24 Nov 2026 23:03:51 GMT
[[nodiscard]] std::string format_rfc1123(sys_time t);
[[nodiscard]] std::optional<sys_time> parse_rfc1123(std::string_view text);

}  // namespace visionary::util
