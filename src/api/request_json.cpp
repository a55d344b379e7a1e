#include "api/request_json.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "util/text.hpp"

namespace visionary::api {

namespace json = boost::json;

namespace {

app_error invalid(std::string message) {
  return make_error(error_kind::invalid_request, std::move(message));
}

app_error invalid_field(std::string_view key, std::string message) {
  return make_field_error(std::string(key), std::move(message));
}

// A text option: a string, or null for "not given".
outcome<void> read_text_field(std::string_view key, const json::value& value,
                              std::optional<std::string>& target) {
  if (value.is_null()) return {};
  if (!value.is_string())
    return invalid_field(key, "The field '" + std::string(key) + "' must be a string.");
  target = std::string(value.as_string());
  return {};
}

// A whole number (2.0 is one too), or null; far too large values are kept large, not wrapped.
outcome<void> read_whole_field(std::string_view key, const json::value& value,
                               std::optional<std::int64_t>& target) {
  constexpr double largest = 1e12;
  if (value.is_int64()) {
    target = value.as_int64();
  } else if (value.is_uint64()) {
    target = std::int64_t(std::min<std::uint64_t>(value.as_uint64(), std::uint64_t(largest)));
  } else if (value.is_double() && std::trunc(value.as_double()) == value.as_double() &&
             std::abs(value.as_double()) < largest) {
    target = std::int64_t(value.as_double());
  } else if (!value.is_null()) {
    return invalid_field(key, "The field '" + std::string(key) + "' must be a whole number.");
  }
  return {};
}

outcome<void> read_number_field(std::string_view key, const json::value& value,
                                std::optional<double>& target) {
  if (value.is_null()) return {};
  if (!value.is_number())
    return invalid_field(key, "The field '" + std::string(key) + "' must be a number.");
  target = value.to_number<double>();
  return {};
}

using text_slot = std::optional<std::string> core::generation_input::*;
using whole_slot = std::optional<std::int64_t> core::generation_input::*;
using number_slot = std::optional<double> core::generation_input::*;

constexpr std::pair<std::string_view, text_slot> text_fields[] = {
    {"model", &core::generation_input::model},
    {"size", &core::generation_input::size},
    {"quality", &core::generation_input::quality},
    {"style", &core::generation_input::style},
    {"background", &core::generation_input::background},
    {"output_format", &core::generation_input::output_format},
    {"moderation", &core::generation_input::moderation},
    {"negative_prompt", &core::generation_input::negative_prompt},
    {"sampler", &core::generation_input::sampler},
    {"checkpoint", &core::generation_input::checkpoint}};
constexpr std::pair<std::string_view, whole_slot> whole_fields[] = {
    {"n", &core::generation_input::n},
    {"seed", &core::generation_input::seed},
    {"output_compression", &core::generation_input::output_compression}};
constexpr std::pair<std::string_view, number_slot> number_fields[] = {
    {"steps", &core::generation_input::steps},
    {"cfg_scale", &core::generation_input::cfg_scale},
    {"denoising_strength", &core::generation_input::denoising_strength}};

outcome<void> read_field(std::string_view key, const json::value& value,
                         core::generation_input& input) {
  if (key == "prompt") {
    if (!value.is_string()) return invalid_field("prompt", "The field 'prompt' must be a string.");
    input.prompt = std::string(value.as_string());
    return {};
  }
  for (const auto& [name, slot] : text_fields) {
    if (key == name) return read_text_field(key, value, input.*slot);
  }
  for (const auto& [name, slot] : whole_fields) {
    if (key == name) return read_whole_field(key, value, input.*slot);
  }
  for (const auto& [name, slot] : number_fields) {
    if (key == name) return read_number_field(key, value, input.*slot);
  }
  return invalid_field(key, "Unknown field '" + std::string(key) + "'. Accepted fields: " +
                                std::string(accepted_generation_fields) + ".");
}

}  // namespace

outcome<core::generation_input> parse_generation_json(std::string_view body) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (ec) return invalid("The request body is not valid JSON.");
  if (!parsed.is_object()) {
    return invalid("The request body must be a JSON object such as {\"prompt\": \"...\"}.");
  }
  return read_generation_object(parsed.as_object());
}

outcome<core::generation_input> read_generation_object(const json::object& fields) {
  core::generation_input input;
  for (const auto& [key, value] : fields) {
    if (auto read = read_field(key, value, input); !read) return read.error();
  }
  return input;
}

namespace {

bool is_numeric_field(std::string_view key) {
  for (const auto& [name, slot] : whole_fields) {
    if (key == name) return true;
  }
  for (const auto& [name, slot] : number_fields) {
    if (key == name) return true;
  }
  return false;
}

// A form value as the JSON value the field's reader expects.
outcome<json::value> form_value(std::string_view key, const std::string& text) {
  if (!is_numeric_field(key)) return json::value(json::string(text));
  if (auto whole = util::parse_number<std::int64_t>(text)) return json::value(*whole);
  if (auto number = util::parse_number<double>(text); number && std::isfinite(*number))
    return json::value(*number);
  return invalid_field(key, "The field '" + std::string(key) + "' must be a number.");
}

}  // namespace

outcome<core::generation_input> parse_generation_fields(const form_fields& fields) {
  core::generation_input input;
  std::vector<std::string_view> seen;
  for (const auto& [key, text] : fields) {
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return invalid_field(key, "The field '" + key + "' was sent more than once.");
    seen.push_back(key);
    auto value = form_value(key, text);
    if (!value) return value.error();
    if (auto read = read_field(key, *value, input); !read) return read.error();
  }
  return input;
}

}  // namespace visionary::api
