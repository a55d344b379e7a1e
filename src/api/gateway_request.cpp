#include "api/gateway_request.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "api/request_json.hpp"
#include "util/image_sniff.hpp"
#include "util/text.hpp"

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

using answer_reader = outcome<void> (*)(const json::value&, gateway_request&);
constexpr std::pair<std::string_view, answer_reader> answer_readers[] = {
    {"response_format", read_response_format},
    {"stream", read_stream},
    {"partial_images", read_partial_images},
    {"user", read_user}};

bool is_answer_field(std::string_view name) {
  return std::any_of(std::begin(answer_readers), std::end(answer_readers),
                     [name](const auto& reader) { return reader.first == name; });
}

// Takes the answer's fields out of `fields`; what stays is the generation's.
outcome<void> take_answer_fields(json::object& fields, gateway_request& out) {
  for (const auto& [name, read] : answer_readers) {
    const auto it = fields.find(name);
    if (it == fields.end()) continue;
    if (auto done = read(it->value(), out); !done) return done;
    fields.erase(it);
  }
  return {};
}

// ------------------------------------------------------------------ the edit's form

bool is_image_field(std::string_view name) {
  return name == "image" || name == "image[]";
}

// A file of the form: PNG, JPEG or WebP by its first bytes, whatever it claims to be.
outcome<std::string> image_file(const http::multipart_part& part, std::string_view field) {
  if (!util::sniff_image_format(part.body)) {
    return invalid_field(field, "The file in '" + part.name +
                                    "' must be a PNG, JPEG or WebP image (judged by its bytes).");
  }
  return std::string(part.body);
}

// image or image[] (the first is the source, the rest its references) and mask.
outcome<void> take_edit_file(const http::multipart_part& part, core::edit_form& form) {
  const std::string_view field = is_image_field(part.name) ? "image" : std::string_view(part.name);
  if (field != "image" && field != "mask") {
    return invalid_field(part.name, "Unexpected file field '" + part.name +
                                        "'. Files go in image (or image[]) and mask.");
  }
  auto bytes = image_file(part, field);
  if (!bytes) return bytes.error();
  if (field == "mask") {
    if (form.mask) return invalid_field("mask", "Send one 'mask'.");
    form.mask = std::move(*bytes);
  } else if (!form.source_upload) {
    form.source_upload = std::move(*bytes);
  } else if (form.references.size() + 1 < max_edit_image_files) {
    form.references.push_back(std::move(*bytes));
  } else {
    return invalid_field(
        "image", "Send at most " + std::to_string(max_edit_image_files) + " images to edit.");
  }
  return {};
}

outcome<void> take_edit_text(const http::multipart_part& part, form_fields& fields) {
  if (is_image_field(part.name)) {
    return invalid_field("image",
                         "The field 'image' must be an image file (PNG, JPEG or WebP) sent as "
                         "a file part of the form.");
  }
  fields.emplace_back(part.name, std::string(part.body));
  return {};
}

// Form text as the JSON value the answer field's reader expects (a boolean or number written out;
// anything else stays text, which the reader refuses by name).
json::value answer_form_value(std::string_view name, const std::string& text) {
  if (name == "stream" && (text == "true" || text == "false")) return json::value(text == "true");
  if (name == "partial_images") {
    if (auto number = util::parse_number<double>(text); number && std::isfinite(*number))
      return json::value(*number);
  }
  return json::value(json::string(text));
}

// Takes the answer's fields and input_fidelity out of `fields`; what stays is the generation's.
outcome<void> take_answer_form_fields(form_fields& fields, gateway_edit_request& out) {
  json::object answer;
  for (auto it = fields.begin(); it != fields.end();) {
    const auto& [name, text] = *it;
    const bool fidelity = name == "input_fidelity";
    if (!fidelity && !is_answer_field(name)) {
      ++it;
      continue;
    }
    if (answer.contains(name) || (fidelity && out.form.input_fidelity))
      return invalid_field(name, "The field '" + name + "' was sent more than once.");
    if (fidelity) {
      out.form.input_fidelity = text;
    } else {
      answer[name] = answer_form_value(name, text);
    }
    it = fields.erase(it);
  }
  return take_answer_fields(answer, out.answer);
}

}  // namespace

outcome<gateway_edit_request> parse_gateway_edit_form(
    const std::vector<http::multipart_part>& parts) {
  gateway_edit_request out;
  form_fields fields;
  for (const auto& part : parts) {
    auto taken = part.filename ? take_edit_file(part, out.form) : take_edit_text(part, fields);
    if (!taken) return taken.error();
  }
  if (auto answer = take_answer_form_fields(fields, out); !answer) return answer.error();
  auto input = parse_generation_fields(fields);
  if (!input) return input.error();
  out.form.fields = std::move(*input);
  if (!out.form.source_upload)
    return invalid_field("image", "The field 'image' is required: the image file to edit.");
  return out;
}

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
