#include "api/blob_path.hpp"

#include "core/naming.hpp"
#include "util/text.hpp"

namespace visionary::api {

outcome<std::pair<std::string, std::string>> split_blob_path(std::string_view rest) {
  const std::string lowered = util::to_lower_ascii(rest);
  if (lowered.find("%2f") != std::string::npos || lowered.find("%5c") != std::string::npos ||
      lowered.find('\\') != std::string::npos) {
    return make_error(error_kind::invalid_request,
                      "File paths must not contain encoded slashes or backslashes.");
  }
  auto decoded = util::percent_decode(rest);
  if (!decoded || !util::is_valid_utf8(*decoded)) {
    return make_error(error_kind::invalid_request, "The file path is not correctly encoded.");
  }
  const auto slash = decoded->find('/');
  if (slash == std::string::npos || slash == 0) {
    return make_error(error_kind::invalid_request,
                      "The file path must be /blobs/{container}/{name}.");
  }
  std::string container = decoded->substr(0, slash);
  std::string name = decoded->substr(slash + 1);
  if (!core::is_valid_container_name(container)) {
    return make_error(error_kind::invalid_request,
                      "The file path names no valid container (3-63 of a-z, 0-9 and '-').");
  }
  if (auto valid = core::validate_blob_name(name); !valid) {
    return make_error(error_kind::invalid_request,
                      "The file path is not allowed: " + valid.error().message);
  }
  return std::make_pair(std::move(container), std::move(name));
}

std::optional<core::byte_range> parse_range_header(std::string_view value, std::uint64_t size) {
  value = util::trim(value);
  if (!util::starts_with(value, "bytes=")) return std::nullopt;
  value.remove_prefix(6);
  if (value.find(',') != std::string_view::npos)
    return std::nullopt;  // multiple ranges: serve it all
  const auto dash = value.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const auto first_text = util::trim(value.substr(0, dash));
  const auto last_text = util::trim(value.substr(dash + 1));
  if (first_text.empty()) {
    auto suffix = util::parse_number<std::uint64_t>(last_text);
    if (!suffix || *suffix == 0) return std::nullopt;
    return core::byte_range{*suffix >= size ? 0 : size - *suffix, std::nullopt};
  }
  auto first = util::parse_number<std::uint64_t>(first_text);
  if (!first) return std::nullopt;
  if (last_text.empty()) return core::byte_range{*first, std::nullopt};
  auto last = util::parse_number<std::uint64_t>(last_text);
  if (!last || *last < *first) return std::nullopt;
  return core::byte_range{*first, *last};
}

}  // namespace visionary::api
