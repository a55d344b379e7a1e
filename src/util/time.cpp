#include "util/time.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "util/text.hpp"

namespace visionary::util {
namespace {

using namespace std::chrono;

constexpr std::array<std::string_view, 7> weekday_names = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 12> month_names = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

bool parse_int(std::string_view text, int& out) {
  const auto value = parse_number<int>(text);
  if (value) out = *value;
  return value.has_value();
}

static_assert(sys_days{year{max_year + 1} / January / 1}.time_since_epoch() ==
              milliseconds{max_unix_millis + 1});

std::optional<sys_time> make_time(int year, int month, int day, int hour, int minute, int second) {
  // Checked first: beyond max_year the sum below would overflow sys_time's nanoseconds.
  if (year < min_year || year > max_year) return std::nullopt;
  const year_month_day ymd{std::chrono::year{year}, std::chrono::month{unsigned(month)},
                           std::chrono::day{unsigned(day)}};
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 60 || hour < 0 || minute < 0 ||
      second < 0) {
    return std::nullopt;
  }
  return sys_days{ymd} + hours{hour} + minutes{minute} + seconds{second};
}

}  // namespace

std::int64_t unix_millis(sys_time t) {
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

sys_time from_unix_millis(std::int64_t millis) {
  return sys_time{milliseconds{std::clamp<std::int64_t>(millis, 0, max_unix_millis)}};
}

std::string format_rfc3339_millis(sys_time t) {
  const auto ms = time_point_cast<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buffer;
}

std::string format_iso_seconds(sys_time t) {
  // The same text without the milliseconds: "2026-01-02T03:04:05.000Z" → "2026-01-02T03:04:05Z".
  std::string text = format_rfc3339_millis(time_point_cast<seconds>(t));
  text.erase(text.size() - 5, 4);
  return text;
}

std::optional<sys_time> parse_iso_utc(std::string_view text) {
  // YYYY-MM-DDThh:mm:ss then optional .fff then Z
  if (text.size() < 20 || text.back() != 'Z' || text[4] != '-' || text[7] != '-' ||
      text[10] != 'T' || text[13] != ':' || text[16] != ':') {
    return std::nullopt;
  }
  int year, month, day, hour, minute, second;
  if (!parse_int(text.substr(0, 4), year) || !parse_int(text.substr(5, 2), month) ||
      !parse_int(text.substr(8, 2), day) || !parse_int(text.substr(11, 2), hour) ||
      !parse_int(text.substr(14, 2), minute) || !parse_int(text.substr(17, 2), second)) {
    return std::nullopt;
  }
  auto base = make_time(year, month, day, hour, minute, second);
  if (!base) return std::nullopt;
  std::string_view rest = text.substr(19, text.size() - 20);
  if (rest.empty()) return base;
  if (rest.size() < 2 || rest.size() > 10 || rest[0] != '.') return std::nullopt;
  int fraction = 0;
  std::string_view digits = rest.substr(1);
  if (!parse_int(digits.substr(0, std::min<std::size_t>(3, digits.size())), fraction)) {
    return std::nullopt;
  }
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  for (std::size_t i = digits.size(); i < 3; ++i) fraction *= 10;
  return *base + milliseconds{fraction};
}

std::string format_rfc1123(sys_time t) {
  const auto s = time_point_cast<seconds>(t);
  const auto day = floor<days>(s);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss hms{s - day};
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                weekday_names[wd.c_encoding()].data(), unsigned(ymd.day()),
                month_names[unsigned(ymd.month()) - 1].data(), int(ymd.year()),
                int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buffer;
}

std::optional<sys_time> parse_rfc1123(std::string_view text) {
  // Tue, 24 Nov 2026 23:03:51 GMT
  if (text.size() != 29 || text.substr(3, 2) != ", " || text.substr(25) != " GMT") {
    return std::nullopt;
  }
  int day, year, hour, minute, second;
  if (!parse_int(text.substr(5, 2), day) || !parse_int(text.substr(12, 4), year) ||
      !parse_int(text.substr(17, 2), hour) || !parse_int(text.substr(20, 2), minute) ||
      !parse_int(text.substr(23, 2), second)) {
    return std::nullopt;
  }
  const std::string_view month_text = text.substr(8, 3);
  for (std::size_t m = 0; m < month_names.size(); ++m) {
    if (month_names[m] == month_text) return make_time(year, int(m) + 1, day, hour, minute, second);
  }
  return std::nullopt;
}

}  // namespace visionary::util
