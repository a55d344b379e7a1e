#include "util/time.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace {

using namespace visionary::util;
using namespace std::chrono_literals;

// 2026-11-24T23:05:12.345Z
constexpr std::int64_t sample_millis = 1'795'561'512'345;

TEST(Time, UnixMillisRoundTrip) {
  EXPECT_EQ(unix_millis(from_unix_millis(sample_millis)), sample_millis);
  EXPECT_EQ(unix_millis(from_unix_millis(0)), 0);
  // Sub-millisecond parts are truncated, not rounded up.
  EXPECT_EQ(unix_millis(from_unix_millis(sample_millis) + 999us), sample_millis);
}

TEST(Time, FormatsRfc3339WithMillis) {
  EXPECT_EQ(format_rfc3339_millis(from_unix_millis(sample_millis)), "2026-11-24T23:05:12.345Z");
  EXPECT_EQ(format_rfc3339_millis(from_unix_millis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339_millis(from_unix_millis(sample_millis - 345 + 7)),
            "2026-11-24T23:05:12.007Z");
}

TEST(Time, FormatsIsoSecondsTruncatingMillis) {
  EXPECT_EQ(format_iso_seconds(from_unix_millis(sample_millis)), "2026-11-24T23:05:12Z");
  EXPECT_EQ(format_iso_seconds(from_unix_millis(0)), "1970-01-01T00:00:00Z");
}

TEST(Time, ParsesIsoUtcForms) {
  const auto whole = from_unix_millis(sample_millis - 345);
  EXPECT_EQ(parse_iso_utc("2026-11-24T23:05:12Z"), std::optional<sys_time>(whole));
  EXPECT_EQ(parse_iso_utc("2026-11-24T23:05:12.345Z"), std::optional<sys_time>(whole + 345ms));
  EXPECT_EQ(parse_iso_utc("2026-11-24T23:05:12.5Z"), std::optional<sys_time>(whole + 500ms));
  EXPECT_EQ(parse_iso_utc("2026-11-24T23:05:12.05Z"), std::optional<sys_time>(whole + 50ms));
  // Extra precision (as .NET/Azure write it) is accepted and truncated to milliseconds.
  EXPECT_EQ(parse_iso_utc("2026-11-24T23:05:12.3456789Z"), std::optional<sys_time>(whole + 345ms));
  EXPECT_EQ(parse_iso_utc("2024-02-29T00:00:00Z"),
            std::optional<sys_time>(from_unix_millis(1'709'164'800'000)));
}

TEST(Time, Rfc3339RoundTripsManyInstants) {
  for (std::int64_t ms = 0; ms < 4'102'444'800'000; ms += 86'399'999'777) {
    const auto t = from_unix_millis(ms);
    EXPECT_EQ(parse_iso_utc(format_rfc3339_millis(t)), std::optional<sys_time>(t)) << ms;
    EXPECT_EQ(parse_iso_utc(format_iso_seconds(t)),
              std::optional<sys_time>(from_unix_millis(ms - ms % 1000)))
        << ms;
  }
}

TEST(Time, RejectsNonUtcOrMalformedIso) {
  for (const char* bad : {
           "",
           "garbage",
           "2026-11-24",
           "2026-11-24T23:05:12",        // no zone
           "2026-11-24T23:05:12+00:00",  // offsets are not accepted
           "2026-11-24 23:05:12Z",       // space instead of T
           "2026-11-24t23:05:12z",
           "2026-13-01T00:00:00Z",  // month 13
           "2026-00-01T00:00:00Z",
           "2026-02-30T00:00:00Z",  // no such day
           "2025-02-29T00:00:00Z",  // not a leap year
           "2026-11-24T24:00:00Z",
           "2026-11-24T23:60:00Z",
           "2026-11-24T23:05:12.Z",  // empty fraction
           "2026-11-24T23:05:12.12aZ",
           "2026-11-24T23:05:12.1234567890Z",  // absurd precision
           "2026-11-24T23:05:12,345Z",
           "2026/11/24T23:05:12Z",
           "20261124T230512Z",
       }) {
    EXPECT_EQ(parse_iso_utc(bad), std::nullopt) << bad;
  }
}

TEST(Time, FormatsRfc1123) {
  // 2026-11-24 was a Tuesday.
  EXPECT_EQ(format_rfc1123(from_unix_millis(1'795'561'431'000)), "Tue, 24 Nov 2026 23:03:51 GMT");
  EXPECT_EQ(format_rfc1123(from_unix_millis(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(format_rfc1123(from_unix_millis(1'709'164'800'999)), "Thu, 29 Feb 2024 00:00:00 GMT");
}

TEST(Time, Rfc1123RoundTrips) {
  EXPECT_EQ(parse_rfc1123("Tue, 24 Nov 2026 23:03:51 GMT"),
            std::optional<sys_time>(from_unix_millis(1'795'561'431'000)));
  for (std::int64_t ms = 0; ms < 4'102'444'800'000; ms += 86'399'999'777) {
    const auto t = from_unix_millis(ms);
    EXPECT_EQ(parse_rfc1123(format_rfc1123(t)),
              std::optional<sys_time>(from_unix_millis(ms - ms % 1000)))
        << format_rfc1123(t);
  }
}

TEST(Time, RejectsMalformedRfc1123) {
  for (const char* bad : {
           "", "Tue, 24 Nov 2026 23:03:51 UTC", "Tue, 24 Foo 2026 23:03:51 GMT",
           "Tue, 31 Nov 2026 23:03:51 GMT",  // November has 30 days
           "Tue, 4 Nov 2026 23:03:51 GMT",   // day must have two digits
           "24 Nov 2026 23:03:51 GMT", "Tue, 24 Nov 2026 25:03:51 GMT",
           "Tue, 24 nov 2026 23:03:51 GMT",
           "Tuesday, 24-Nov-26 23:03:51 GMT",  // RFC 850 form
           "Tue Nov 24 23:03:51 2026",         // asctime form
       }) {
    EXPECT_EQ(parse_rfc1123(bad), std::nullopt) << bad;
  }
}

// Years past 2261 do not fit the nanosecond clock (it ends in April 2262): a SAS expiry or a
// Last-Modified of year 9999 used to overflow it. They are invalid values now, as are years
// before 1970.
TEST(Time, RefusesYearsOutsideTheClocksRange) {
  for (const char* bad : {"9999-12-31T23:59:59Z", "2262-04-12T00:00:00Z", "2262-01-01T00:00:00Z",
                          "1969-12-31T23:59:59Z", "0000-01-01T00:00:00Z"}) {
    EXPECT_EQ(parse_iso_utc(bad), std::nullopt) << bad;
  }
  for (const char* bad : {"Fri, 31 Dec 9999 23:59:59 GMT", "Sat, 01 Jan 2262 00:00:00 GMT",
                          "Wed, 31 Dec 1969 23:59:59 GMT"}) {
    EXPECT_EQ(parse_rfc1123(bad), std::nullopt) << bad;
  }
}

TEST(Time, AcceptsTheLastInstantOfYear2261) {
  const auto last = from_unix_millis(max_unix_millis);
  EXPECT_EQ(parse_iso_utc("2261-12-31T23:59:59.999Z"), std::optional<sys_time>(last));
  EXPECT_EQ(format_rfc3339_millis(last), "2261-12-31T23:59:59.999Z");
  EXPECT_EQ(parse_rfc1123(format_rfc1123(last)), std::optional<sys_time>(last - 999ms));
  EXPECT_EQ(parse_iso_utc("1970-01-01T00:00:00Z"), std::optional<sys_time>(from_unix_millis(0)));
}

TEST(Time, FromUnixMillisClampsToTheSupportedYears) {
  EXPECT_EQ(from_unix_millis(max_unix_millis + 1), from_unix_millis(max_unix_millis));
  EXPECT_EQ(from_unix_millis(INT64_MAX), from_unix_millis(max_unix_millis));
  EXPECT_EQ(from_unix_millis(-1), from_unix_millis(0));
  EXPECT_EQ(from_unix_millis(INT64_MIN), from_unix_millis(0));
}

}  // namespace
