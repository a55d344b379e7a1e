// A multipart/form-data body as POST /api/editImage reads it: http::multipart_boundary on the
// first line (the Content-Type), then http::parse_multipart on the rest with small caps. Refusals
// are the documented kinds; accepted parts lie inside the body, within every cap, and a body built
// again from them parses to the same parts.
#include "http/multipart.hpp"

#include <string>

#include "fuzz_check.hpp"

namespace {

using namespace visionary;
using fuzz::require;

bool refused_as_documented(const http::http_error& error) {
  const auto code = http::error_code(error);
  return code == "invalid_request" || code == "payload_too_large";
}

std::string rebuilt(const std::vector<http::multipart_part>& parts, std::string_view boundary) {
  std::string body;
  for (const auto& part : parts) {
    body += "--" + std::string(boundary) + "\r\nContent-Disposition: form-data; name=\"";
    for (char c : part.name)
      body += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    body += "\"\r\nContent-Type: x/y\r\n\r\n" + std::string(part.body) + "\r\n";
  }
  return body + "--" + std::string(boundary) + "--";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::as_text(data, size);
  const auto content_type = fuzz::take_line(text);
  const auto boundary = http::multipart_boundary(content_type);
  if (!boundary) {
    const auto code = http::error_code(boundary.error());
    require(code == "invalid_request" || code == "unsupported_media_type",
            "a bad Content-Type is refused as documented");
    return 0;
  }
  require(!boundary->empty() && boundary->size() <= 70, "a boundary has 1..70 characters");
  const http::multipart_limits limits{8, 256, 512, 1024};
  const auto parts = http::parse_multipart(text, *boundary, limits);
  if (!parts) {
    require(refused_as_documented(parts.error()), "a bad body is refused as documented");
    return 0;
  }
  require(parts->size() <= limits.max_parts, "at most max_parts parts");
  std::size_t total = 0;
  for (const auto& part : *parts) {
    require(part.body.data() >= text.data() &&
                part.body.data() + part.body.size() <= text.data() + text.size(),
            "a part's bytes lie inside the body");
    require(part.body.size() <= limits.max_part_bytes, "a part is within max_part_bytes");
    total += part.body.size();
    require(part.body.find("\r\n--" + *boundary) == std::string_view::npos,
            "no part holds the delimiter");
  }
  require(total <= limits.max_total_bytes, "all parts are within max_total_bytes");
  const std::string again = rebuilt(*parts, *boundary);
  const auto reparsed =
      http::parse_multipart(again, *boundary, http::multipart_limits{8, 1024, 512, 1024});
  require(reparsed && reparsed->size() == parts->size(), "a rebuilt body parses again");
  for (std::size_t i = 0; i < parts->size(); ++i) {
    require((*reparsed)[i].name == (*parts)[i].name && (*reparsed)[i].body == (*parts)[i].body,
            "a rebuilt body has the same parts");
  }
  return 0;
}
