#include "api/request_json.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

namespace visionary::api {

namespace json = boost::json;

namespace {

app_error invalid(std::string message) {
  return make_error(error_kind::invalid_request, std::move(message));
}

// size, quality and style: a string, or null for "not given".
outcome<void> read_text_field(std::string_view key, const json::value& value,
                              std::optional<std::string>& target) {
  if (value.is_null()) return {};
  if (!value.is_string()) return invalid("The field '" + std::string(key) + "' must be a string.");
  target = std::string(value.as_string());
  return {};
}

// n: a whole number (2.0 is one too), or null; far too large values are kept large, not wrapped.
outcome<void> read_count_field(const json::value& value, std::optional<std::int64_t>& target) {
  if (value.is_int64()) {
    target = value.as_int64();
  } else if (value.is_uint64()) {
    target = std::int64_t(std::min<std::uint64_t>(value.as_uint64(), 1u << 30));
  } else if (value.is_double() && std::trunc(value.as_double()) == value.as_double() &&
             std::abs(value.as_double()) < 1e9) {
    target = std::int64_t(value.as_double());
  } else if (!value.is_null()) {
    return invalid("The field 'n' must be a whole number.");
  }
  return {};
}

outcome<void> read_field(std::string_view key, const json::value& value,
                         core::generation_input& input) {
  if (key == "prompt") {
    if (!value.is_string()) return invalid("The field 'prompt' must be a string.");
    input.prompt = std::string(value.as_string());
    return {};
  }
  if (key == "size") return read_text_field(key, value, input.size);
  if (key == "quality") return read_text_field(key, value, input.quality);
  if (key == "style") return read_text_field(key, value, input.style);
  if (key == "n") return read_count_field(value, input.n);
  return invalid("Unknown field '" + std::string(key) +
                 "'. Accepted fields: prompt, size, quality, style, n.");
}

}  // namespace

outcome<core::generation_input> parse_generation_json(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return invalid("The request body is not valid JSON.");
  if (!parsed.is_object()) {
    return invalid("The request body must be a JSON object such as {\"prompt\": \"...\"}.");
  }
  core::generation_input input;
  for (const auto& [key, value] : parsed.as_object()) {
    if (auto read = read_field(key, value, input); !read) return read.error();
  }
  return input;
}

}  // namespace visionary::api
