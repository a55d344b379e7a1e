// The edge of the public API: turning raw HTTP requests into typed, checked inputs. Shared by the
// roles that execute requests (serve, functions) and the one that forwards them (web), so a bad
// request is refused the same way everywhere. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/edit_request.hpp"
#include "core/validation.hpp"
#include "http/message.hpp"
#include "http/multipart.hpp"

namespace visionary::api {

// True when Content-Type is application/json (any parameters).
[[nodiscard]] bool has_json_content_type(const http::request& message);

// The origin a caller reached, "https://images.example.com": X-Forwarded-Proto and -Host when a
// trusted proxy or the web tier sent them, else http and the Host header. nullopt when the host
// is not a plain host[:port].
[[nodiscard]] std::optional<std::string> request_origin(const http::request_context& context);

// Content type, JSON syntax and field types of a generation request.
[[nodiscard]] http::http_outcome<core::generation_input> parse_generation_body(
    const http::request& message);

// The body of a generation (or job) request, checked against the active model: the request to run,
// carrying the request's id.
[[nodiscard]] http::http_outcome<core::generation_request> read_generation_request(
    const http::request_context& context, const core::model_menu& menu,
    std::size_t max_prompt_chars);

// True when the body is multipart/form-data (an edit; POST /api/jobs takes both kinds).
[[nodiscard]] bool is_multipart(const http::request& message);

// Parts an edit's form may have besides its files and the generation's fields.
inline constexpr std::size_t max_edit_form_parts = 64;

// The parts of a multipart/form-data body within the caps of an edit's form (max_edit_form_parts
// parts, together within max_upload_bytes: payload_too_large). The parts view `message`'s body.
[[nodiscard]] http::http_outcome<std::vector<http::multipart_part>> read_form_parts(
    const http::request& message, std::size_t max_upload_bytes);

// The multipart body of an edit: `image` (a gallery image's id as text, or a file), `mask` (a
// file), `reference` (a file, repeated), `input_fidelity`, `prompt` and the generation's options
// as text. Files must be PNG, JPEG or WebP by their bytes (unsupported_media_type otherwise); the
// form's parts together stay within max_upload_bytes (payload_too_large).
[[nodiscard]] http::http_outcome<core::edit_form> parse_edit_form(const http::request& message,
                                                                  std::size_t max_upload_bytes);

// The optional Idempotency-Key header: 1..255 printable ASCII characters.
[[nodiscard]] outcome<std::optional<std::string>> parse_idempotency_key(
    const http::request& message);

struct page_query {
  int limit = core::default_page_size;
  std::optional<std::string> cursor;
};
// limit (1..100) and cursor of GET /api/getImages; the cursor is checked for well-formedness.
[[nodiscard]] outcome<page_query> parse_page_query(const http::request_context& context);

}  // namespace visionary::api
