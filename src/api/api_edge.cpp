#include "api/api_edge.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "core/naming.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace json = boost::json;
namespace bhttp = boost::beast::http;

namespace {

bool is_json_content_type(std::string_view value) {
  const auto semicolon = value.find(';');
  return util::iequals_ascii(util::trim(value.substr(0, semicolon)), "application/json");
}

}  // namespace

http::http_outcome<core::generation_input> parse_generation_body(const http::request& message) {
  const auto content_type = message[bhttp::field::content_type];
  if (!is_json_content_type(content_type)) {
    return http::http_error(
        http::http_error_kind::unsupported_media_type,
        "Send the request as JSON with the header Content-Type: application/json.");
  }
  boost::system::error_code ec;
  const json::value body = json::parse(message.body(), ec);
  if (ec) return make_error(error_kind::invalid_request, "The request body is not valid JSON.");
  if (!body.is_object()) {
    return make_error(error_kind::invalid_request,
                      "The request body must be a JSON object such as {\"prompt\": \"...\"}.");
  }
  core::generation_input input;
  for (const auto& [key, value] : body.as_object()) {
    auto text_field = [&](std::optional<std::string>& target) -> outcome<void> {
      if (value.is_null()) return {};
      if (!value.is_string()) {
        return make_error(error_kind::invalid_request,
                          "The field '" + std::string(key) + "' must be a string.");
      }
      target = std::string(value.as_string());
      return {};
    };
    outcome<void> field_ok;
    if (key == "prompt") {
      if (!value.is_string())
        return make_error(error_kind::invalid_request, "The field 'prompt' must be a string.");
      input.prompt = std::string(value.as_string());
    } else if (key == "size") {
      field_ok = text_field(input.size);
    } else if (key == "quality") {
      field_ok = text_field(input.quality);
    } else if (key == "style") {
      field_ok = text_field(input.style);
    } else if (key == "n") {
      if (value.is_int64()) {
        input.n = value.as_int64();
      } else if (value.is_uint64()) {
        input.n = std::int64_t(std::min<std::uint64_t>(value.as_uint64(), 1u << 30));
      } else if (value.is_double() && std::trunc(value.as_double()) == value.as_double() &&
                 std::abs(value.as_double()) < 1e9) {
        input.n = std::int64_t(value.as_double());  // 2.0 is a whole number too
      } else if (!value.is_null()) {
        return make_error(error_kind::invalid_request, "The field 'n' must be a whole number.");
      }
    } else {
      return make_error(error_kind::invalid_request,
                        "Unknown field '" + std::string(key) +
                            "'. Accepted fields: prompt, size, quality, style, n.");
    }
    if (!field_ok) return http::http_error(field_ok.error());
  }
  return input;
}

outcome<std::optional<std::string>> parse_idempotency_key(const http::request& message) {
  const auto it = message.find("Idempotency-Key");
  if (it == message.end()) return std::optional<std::string>{};
  const std::string_view key = it->value();
  const bool printable =
      std::all_of(key.begin(), key.end(), [](char c) { return c >= 0x21 && c <= 0x7E; });
  if (key.empty() || key.size() > 255 || !printable) {
    return make_error(
        error_kind::invalid_request,
        "The Idempotency-Key header must be 1 to 255 printable ASCII characters without spaces.");
  }
  return std::optional<std::string>{std::string(key)};
}

outcome<page_query> parse_page_query(const http::request_context& context) {
  page_query query;
  const auto limit_text = context.query_value("limit");
  auto limit = core::parse_page_limit(limit_text ? std::optional<std::string_view>(*limit_text)
                                                 : std::nullopt);
  if (!limit) return limit.error();
  query.limit = *limit;
  query.cursor = context.query_value("cursor");
  if (query.cursor) {
    if (auto marker = core::decode_cursor(*query.cursor); !marker) return marker.error();
  }
  return query;
}

}  // namespace visionary::api
