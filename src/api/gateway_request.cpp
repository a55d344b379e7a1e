#include "api/gateway_request.hpp"

#include <boost/json.hpp>
#include <cmath>

#include "api/request_json.hpp"

namespace visionary::api {

namespace json = boost::json;

namespace {

app_error invalid_field(std::string_view field, std::string message) {
  return make_field_error(std::string(field), std::move(message));
}

outcome<void> read_response_format(const json::value& value, gateway_request& out) {
  if (value.is_null()) return {};
  if (value.is_string() && value.as_string() == "b64_json") {
    out.response_format = image_answer_format::b64_json;
  } else if (value.is_string() && value.as_string() == "url") {
    out.response_format = image_answer_format::url;
  } else {
    return invalid_field("response_format",
                         "The field 'response_format' must be 'b64_json' or 'url'.");
  }
  return {};
}

outcome<void> read_stream(const json::value& value, gateway_request& out) {
  if (value.is_null()) return {};
  if (!value.is_bool()) return invalid_field("stream", "The field 'stream' must be a boolean.");
  out.stream = value.as_bool();
  return {};
}

outcome<void> read_partial_images(const json::value& value, gateway_request& out) {
  if (value.is_null()) return {};
  const double number = value.is_number() ? value.to_number<double>() : -1;
  if (number != std::trunc(number) || number < 0 || number > max_partial_images) {
    return invalid_field("partial_images",
                         "The field 'partial_images' must be a whole number from "
                         "0 to " +
                             std::to_string(max_partial_images) + ".");
  }
  out.partial_images = int(number);
  return {};
}

outcome<void> read_user(const json::value& value, gateway_request& out) {
  if (value.is_null()) return {};
  if (!value.is_string() || value.as_string().size() > max_user_chars) {
    return invalid_field("user", "The field 'user' must be a string of at most " +
                                     std::to_string(max_user_chars) + " characters.");
  }
  out.user = std::string(value.as_string());
  return {};
}

// Takes the answer's fields out of `fields`; what stays is the generation's.
outcome<void> take_answer_fields(json::object& fields, gateway_request& out) {
  using reader = outcome<void> (*)(const json::value&, gateway_request&);
  constexpr std::pair<std::string_view, reader> readers[] = {
      {"response_format", read_response_format},
      {"stream", read_stream},
      {"partial_images", read_partial_images},
      {"user", read_user}};
  for (const auto& [name, read] : readers) {
    const auto it = fields.find(name);
    if (it == fields.end()) continue;
    if (auto done = read(it->value(), out); !done) return done;
    fields.erase(it);
  }
  return {};
}

}  // namespace

outcome<gateway_request> parse_gateway_request(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec) return make_error(error_kind::invalid_request, "The request body is not valid JSON.");
  if (!parsed.is_object()) {
    return make_error(error_kind::invalid_request,
                      "The request body must be a JSON object such as {\"prompt\": \"...\"}.");
  }
  gateway_request out;
  auto& fields = parsed.as_object();
  if (auto taken = take_answer_fields(fields, out); !taken) return taken.error();
  auto input = read_generation_object(fields);
  if (!input) return input.error();
  out.input = std::move(*input);
  return out;
}

image_answer_format default_answer_format(std::string_view catalogue_id) {
  return catalogue_id.starts_with("dall-e") ? image_answer_format::url
                                            : image_answer_format::b64_json;
}

}  // namespace visionary::api
