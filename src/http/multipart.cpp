#include "http/multipart.hpp"

#include <algorithm>
#include <functional>

#include "util/text.hpp"

namespace visionary::http {

namespace {

constexpr std::size_t max_boundary_chars = 70;  // RFC 2046 5.1.1
constexpr std::string_view crlf = "\r\n";

http_error invalid(std::string message) {
  return make_error(error_kind::invalid_request, std::move(message));
}

http_error too_large(std::string message) {
  return http_error(http_error_kind::payload_too_large, std::move(message));
}

// RFC 2046 bchars: digits, letters and '()+_,-./:=? plus inner spaces.
bool is_boundary_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
}

bool valid_boundary(std::string_view b) {
  return !b.empty() && b.size() <= max_boundary_chars && b.back() != ' ' &&
         std::all_of(b.begin(), b.end(), is_boundary_char);
}

// A parameter value: a token, or a quoted string with backslash escapes. `rest` moves past it.
std::optional<std::string> read_value(std::string_view& rest) {
  std::string value;
  if (rest.empty() || rest.front() != '"') {
    const auto end = rest.find(';');
    value = std::string(util::trim(rest.substr(0, end)));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    return value;
  }
  for (std::size_t i = 1; i < rest.size(); ++i) {
    if (rest[i] == '\\' && i + 1 < rest.size()) {
      value += rest[++i];
    } else if (rest[i] == '"') {
      rest.remove_prefix(i + 1);
      return value;
    } else {
      value += rest[i];
    }
  }
  return std::nullopt;  // an unterminated quoted string
}

struct header_value {
  std::string main;                                         // "form-data", "multipart/form-data"
  std::vector<std::pair<std::string, std::string>> params;  // names in lower case
};

// "type; name=value; name="quoted"" as its main value and parameters; nullopt when malformed.
std::optional<header_value> parse_header_value(std::string_view text) {
  header_value parsed;
  const auto semicolon = text.find(';');
  parsed.main = util::to_lower_ascii(util::trim(text.substr(0, semicolon)));
  std::string_view rest = semicolon == std::string_view::npos ? "" : text.substr(semicolon);
  while (!rest.empty()) {
    rest.remove_prefix(1);  // the ';'
    rest = util::trim(rest);
    if (rest.empty()) break;
    const auto equals = rest.find('=');
    if (equals == std::string_view::npos) return std::nullopt;
    std::string name = util::to_lower_ascii(util::trim(rest.substr(0, equals)));
    rest = util::trim(rest.substr(equals + 1));
    auto value = read_value(rest);
    if (!value) return std::nullopt;
    parsed.params.emplace_back(std::move(name), std::move(*value));
    rest = util::trim(rest);
    if (!rest.empty() && rest.front() != ';') return std::nullopt;
  }
  return parsed;
}

const std::string* param(const header_value& value, std::string_view name) {
  for (const auto& [key, text] : value.params) {
    if (key == name) return &text;
  }
  return nullptr;
}

// The header lines of one part into its name, file name and content type.
http_outcome<multipart_part> read_part_headers(std::string_view headers, std::size_t index) {
  multipart_part part;
  part.content_type = "text/plain";
  bool named = false;
  const std::string where = "Part " + std::to_string(index + 1) + " of the form";
  while (!headers.empty()) {
    const auto end = headers.find(crlf);
    const std::string_view line = headers.substr(0, end);
    headers = end == std::string_view::npos ? "" : headers.substr(end + crlf.size());
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return invalid(where + " has a malformed header line.");
    const auto name = util::trim(line.substr(0, colon));
    const auto value = util::trim(line.substr(colon + 1));
    if (util::iequals_ascii(name, "Content-Type")) {
      part.content_type = util::to_lower_ascii(value);
    } else if (util::iequals_ascii(name, "Content-Disposition")) {
      auto parsed = parse_header_value(value);
      const std::string* field = parsed ? param(*parsed, "name") : nullptr;
      if (!parsed || parsed->main != "form-data" || field == nullptr)
        return invalid(where + " needs Content-Disposition: form-data with a name.");
      part.name = *field;
      if (const auto* file = param(*parsed, "filename")) part.filename = *file;
      named = true;
    }
  }
  if (!named) return invalid(where + " has no Content-Disposition header.");
  return part;
}

class body_scanner {
 public:
  body_scanner(std::string_view body, std::string_view boundary)
      : body_(body),
        delimiter_("\r\n--" + std::string(boundary)),
        searcher_(delimiter_.begin(), delimiter_.end()) {}

  // Where the next "CRLF--boundary" starts at or after `from`; npos when there is none.
  [[nodiscard]] std::size_t find(std::size_t from) const {
    if (from > body_.size()) return std::string_view::npos;
    const auto it = std::search(body_.begin() + std::ptrdiff_t(from), body_.end(), searcher_);
    return it == body_.end() ? std::string_view::npos : std::size_t(it - body_.begin());
  }
  // Where the first delimiter ends: the body may open with it (no CRLF before) or after a
  // preamble.
  [[nodiscard]] std::size_t first_delimiter_end() const {
    const std::string_view opening = std::string_view(delimiter_).substr(crlf.size());
    if (body_.starts_with(opening)) return opening.size();
    const auto at = find(0);
    return at == std::string_view::npos ? at : at + delimiter_.size();
  }
  [[nodiscard]] std::size_t delimiter_size() const { return delimiter_.size(); }

 private:
  std::string_view body_;
  std::string delimiter_;
  std::boyer_moore_horspool_searcher<std::string::const_iterator> searcher_;
};

// After a delimiter: "--" closes the body; else optional padding and CRLF start a part. Returns
// where the part's headers start, or npos at the close; `error` set when neither follows.
std::size_t after_delimiter(std::string_view body, std::size_t at, bool& closed, bool& error) {
  if (body.substr(at, 2) == "--") {
    closed = true;
    return std::string_view::npos;
  }
  while (at < body.size() && (body[at] == ' ' || body[at] == '\t')) ++at;
  if (body.substr(at, 2) != crlf) {
    error = true;
    return std::string_view::npos;
  }
  return at + 2;
}

}  // namespace

http_outcome<std::string> multipart_boundary(std::string_view content_type) {
  auto parsed = parse_header_value(content_type);
  if (!parsed || parsed->main != "multipart/form-data") {
    return http_error(http_error_kind::unsupported_media_type,
                      "Send the form as multipart/form-data.");
  }
  const std::string* boundary = param(*parsed, "boundary");
  if (boundary == nullptr || !valid_boundary(*boundary))
    return invalid("The multipart/form-data Content-Type needs a valid boundary parameter.");
  return *boundary;
}

http_outcome<std::vector<multipart_part>> parse_multipart(std::string_view body,
                                                          std::string_view boundary,
                                                          const multipart_limits& limits) {
  if (!valid_boundary(boundary)) return invalid("The multipart boundary is not valid.");
  const body_scanner scanner(body, boundary);
  std::size_t at = scanner.first_delimiter_end();
  if (at == std::string_view::npos) return invalid("The form does not start with its boundary.");
  std::vector<multipart_part> parts;
  std::size_t total = 0;
  for (;;) {
    bool closed = false, error = false;
    const std::size_t start = after_delimiter(body, at, closed, error);
    if (closed) return parts;
    if (error) return invalid("A form boundary is not followed by a line end.");
    if (parts.size() == limits.max_parts)
      return too_large("The form has more than " + std::to_string(limits.max_parts) + " parts.");
    // An empty header block is a lone CRLF; otherwise the headers end with CRLF CRLF.
    std::size_t headers_end = body.substr(start, 2) == crlf ? start : body.find("\r\n\r\n", start);
    const std::size_t header_bytes =
        headers_end == std::string_view::npos ? body.size() - start : headers_end - start;
    if (header_bytes > limits.max_header_bytes)
      return too_large("The headers of a form part are larger than " +
                       std::to_string(limits.max_header_bytes) + " bytes.");
    if (headers_end == std::string_view::npos) return invalid("A form part's headers never end.");
    auto part = read_part_headers(body.substr(start, headers_end - start), parts.size());
    if (!part) return part.error();
    const std::size_t content = headers_end + (headers_end == start ? 2 : 4);
    const std::size_t next = scanner.find(content);
    if (next == std::string_view::npos)
      return invalid("The form ends before its closing boundary.");
    part->body = body.substr(content, next - content);
    if (part->body.size() > limits.max_part_bytes)
      return too_large("The form field '" + part->name + "' is larger than " +
                       std::to_string(limits.max_part_bytes) + " bytes.");
    total += part->body.size();
    if (total > limits.max_total_bytes)
      return too_large("The form's fields are larger than " +
                       std::to_string(limits.max_total_bytes) + " bytes in all.");
    parts.push_back(std::move(*part));
    at = next + scanner.delimiter_size();
  }
}

}  // namespace visionary::http
