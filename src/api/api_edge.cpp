#include "api/api_edge.hpp"

#include <algorithm>

#include "api/request_json.hpp"
#include "core/naming.hpp"
#include "http/multipart.hpp"
#include "util/image_sniff.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace bhttp = boost::beast::http;

namespace {

bool is_json_content_type(std::string_view value) {
  const auto semicolon = value.find(';');
  return util::iequals_ascii(util::trim(value.substr(0, semicolon)), "application/json");
}

// A file of the form: PNG, JPEG or WebP by its first bytes, whatever it claims to be.
http::http_outcome<std::string> image_file(const http::multipart_part& part) {
  if (!util::sniff_image_format(part.body)) {
    return http::http_error(
        http::http_error_kind::unsupported_media_type,
        "The field '" + part.name + "' must be a PNG, JPEG or WebP image (judged by its bytes).");
  }
  return std::string(part.body);
}

// One part into the form: files by name, text into the generation's fields.
http::http_outcome<void> take_part(const http::multipart_part& part, core::edit_form& form,
                                   form_fields& fields) {
  const bool file = part.filename.has_value();
  if (part.name == "image" && !file) {
    if (form.source_id || form.source_upload)
      return http::http_error(make_error(error_kind::invalid_request, "Send 'image' once."));
    form.source_id = std::string(part.body);
    return {};
  }
  if (part.name == "input_fidelity" && !file) {
    form.input_fidelity = std::string(part.body);
    return {};
  }
  if (!file) {
    fields.emplace_back(part.name, std::string(part.body));
    return {};
  }
  auto bytes = image_file(part);
  if (!bytes) return bytes.error();
  if (part.name == "image" && !form.source_id && !form.source_upload) {
    form.source_upload = std::move(*bytes);
  } else if (part.name == "mask" && !form.mask) {
    form.mask = std::move(*bytes);
  } else if (part.name == "reference") {
    form.references.push_back(std::move(*bytes));
  } else {
    return http::http_error(make_error(
        error_kind::invalid_request,
        "Unexpected file field '" + part.name + "'. Files go in image, mask and reference."));
  }
  return {};
}

// Longest host[:port] accepted in a link.
constexpr std::size_t max_host_chars = 255;

bool is_plain_host(std::string_view host) {
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == ':' || c == '[' || c == ']';
  };
  return !host.empty() && host.size() <= max_host_chars &&
         std::all_of(host.begin(), host.end(), allowed);
}

// The first entry of a header proxies may have appended to ("a, b").
std::string_view first_entry(std::string_view value) {
  return util::trim(value.substr(0, value.find(',')));
}

}  // namespace

bool is_multipart(const http::request& message) {
  const auto type = util::to_lower_ascii(message[bhttp::field::content_type]);
  return util::trim(std::string_view(type).substr(0, type.find(';'))) == "multipart/form-data";
}

http::http_outcome<std::vector<http::multipart_part>> read_form_parts(
    const http::request& message, std::size_t max_upload_bytes) {
  auto boundary = http::multipart_boundary(message[bhttp::field::content_type]);
  if (!boundary) return boundary.error();
  const http::multipart_limits limits{max_edit_form_parts, 2048, max_upload_bytes,
                                      max_upload_bytes};
  return http::parse_multipart(message.body(), *boundary, limits);
}

http::http_outcome<core::edit_form> parse_edit_form(const http::request& message,
                                                    std::size_t max_upload_bytes) {
  auto parts = read_form_parts(message, max_upload_bytes);
  if (!parts) return parts.error();
  core::edit_form form;
  form_fields fields;
  for (const auto& part : *parts) {
    if (auto taken = take_part(part, form, fields); !taken) return taken.error();
  }
  auto input = parse_generation_fields(fields);
  if (!input) return http::http_error(input.error());
  form.fields = std::move(*input);
  if (!form.source_id && !form.source_upload)
    return http::http_error(
        make_error(error_kind::invalid_request,
                   "The field 'image' is required: the id of a gallery image, or an image file."));
  return form;
}

bool has_json_content_type(const http::request& message) {
  return is_json_content_type(message[bhttp::field::content_type]);
}

std::optional<std::string> request_origin(const http::request_context& context) {
  const auto& message = context.message;
  std::string_view scheme = "http";
  std::string_view host = message[bhttp::field::host];
  if (context.trusted_forwarder) {
    const auto proto = first_entry(message["X-Forwarded-Proto"]);
    if (proto == "https" || proto == "http") scheme = proto;
    if (const auto forwarded = first_entry(message["X-Forwarded-Host"]); !forwarded.empty())
      host = forwarded;
  }
  if (!is_plain_host(host)) return std::nullopt;
  return std::string(scheme) + "://" + std::string(host);
}

http::http_outcome<core::generation_input> parse_generation_body(const http::request& message) {
  if (!has_json_content_type(message)) {
    return http::http_error(
        http::http_error_kind::unsupported_media_type,
        "Send the request as JSON with the header Content-Type: application/json.");
  }
  auto input = parse_generation_json(message.body());
  if (!input) return http::http_error(input.error());
  return std::move(*input);
}

http::http_outcome<core::generation_request> read_generation_request(
    const http::request_context& context, const core::model_menu& menu,
    std::size_t max_prompt_chars) {
  auto input = parse_generation_body(context.message);
  if (!input) return input.error();
  auto request = core::validate_generation(*input, menu, max_prompt_chars);
  if (!request) return http::http_error(request.error());
  request->request_id = context.request_id;
  return std::move(*request);
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
