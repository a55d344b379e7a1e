// A bounded multipart/form-data reader (RFC 7578 over RFC 2046): the boundary from the
// Content-Type, then the parts of a body already held in memory, each with its form name, file
// name, content type and bytes. Caps on the part count, each part's header size, each part's and
// all parts' bytes; every refusal says what was wrong. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/http_error.hpp"

namespace visionary::http {

struct multipart_limits {
  std::size_t max_parts = 32;
  std::size_t max_header_bytes = 2048;  // the header lines of one part
  std::size_t max_part_bytes = 64 * 1024;
  std::size_t max_total_bytes = 1024 * 1024;  // the bytes of every part together
};

struct multipart_part {
  std::string name;                     // the form field's name
  std::optional<std::string> filename;  // present for a file
  std::string content_type;             // "text/plain" when the part names none (RFC 7578 4.4)
  std::string_view body;                // a view into the parsed body
};

// The boundary parameter of a multipart/form-data Content-Type (1..70 characters, RFC 2046);
// unsupported_media_type for another type, invalid_request for a missing or malformed boundary.
[[nodiscard]] http_outcome<std::string> multipart_boundary(std::string_view content_type);

// The parts of `body` in order. invalid_request for a body that does not follow the format (no
// opening delimiter, a part without Content-Disposition: form-data and a name, no closing
// delimiter); payload_too_large when a cap is exceeded. The views point into `body`.
[[nodiscard]] http_outcome<std::vector<multipart_part>> parse_multipart(
    std::string_view body, std::string_view boundary, const multipart_limits& limits);

}  // namespace visionary::http
