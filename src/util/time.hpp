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

// The years the parsers accept: sys_time counts nanoseconds in 64 bits, which end in April 2262,
// and nothing here is dated before the Unix epoch. Other years are invalid values.
inline constexpr int min_year = 1970;
inline constexpr int max_year = 2261;
// 2261-12-31T23:59:59.999Z, the last instant of max_year.
inline constexpr std::int64_t max_unix_millis = 9'214'646'399'999;

[[nodiscard]] std::int64_t unix_millis(sys_time t);
// Millis outside 0..max_unix_millis are clamped to that range (sys_time cannot hold all of them).
[[nodiscard]] sys_time from_unix_millis(std::int64_t millis);

// 2026-11-24T23:05:12.345Z
[[nodiscard]] std::string format_rfc3339_millis(sys_time t);
// 2026-11-24T23:05:12Z (whole seconds, the form Azure SAS uses)
[[nodiscard]] std::string format_iso_seconds(sys_time t);
// Accepts YYYY-MM-DDThh:mm:ss[.fff]Z only (UTC, years min_year..max_year); nullopt otherwise.
[[nodiscard]] std::optional<sys_time> parse_iso_utc(std::string_view text);
// Tue, 24 Nov 2026 23:03:51 GMT
[[nodiscard]] std::string format_rfc1123(sys_time t);
// The same form, years min_year..max_year; nullopt otherwise.
[[nodiscard]] std::optional<sys_time> parse_rfc1123(std::string_view text);

}  // namespace visionary::util
