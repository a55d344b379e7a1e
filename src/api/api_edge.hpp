// The edge of the public API: turning raw HTTP requests into typed, checked inputs. Shared by the
// roles that execute requests (serve, functions) and the one that forwards them (web), so a bad
// request is refused the same way everywhere. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>

#include "core/validation.hpp"
#include "http/message.hpp"

namespace visionary::api {

// Content type, JSON syntax and field types of a generation request.
[[nodiscard]] http::http_outcome<core::generation_input> parse_generation_body(
    const http::request& message);

// The body of a generation (or job) request, checked against the active model: the request to run,
// carrying the request's id.
[[nodiscard]] http::http_outcome<core::generation_request> read_generation_request(
    const http::request_context& context, const core::model_menu& menu,
    std::size_t max_prompt_chars);

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
