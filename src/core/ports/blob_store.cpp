#include "core/ports/blob_store.hpp"

#include "util/text.hpp"

namespace visionary::core {

outcome<void> validate_blob_name(std::string_view name) {
  if (name.empty() || name.size() > 1024) {
    return make_error(error_kind::invalid_request, "Blob names must be 1 to 1024 bytes long.");
  }
  if (!util::is_valid_utf8(name)) {
    return make_error(error_kind::invalid_request, "Blob names must be valid UTF-8.");
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7F || c == '\\') {
      return make_error(error_kind::invalid_request,
                        "Blob names must not contain control characters or backslashes.");
    }
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = name.find('/', start);
    const std::string_view segment = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (segment.empty() || segment == "." || segment == "..") {
      return make_error(error_kind::invalid_request,
                        "Blob names must not contain empty, '.' or '..' path segments.");
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

outcome<void> validate_metadata(const blob_metadata& metadata) {
  std::size_t total = 0;
  for (const auto& [name, value] : metadata) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
      return make_error(error_kind::internal_error, "metadata name '" + name + "' is not allowed");
    }
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return make_error(error_kind::internal_error,
                          "metadata name '" + name + "' is not [a-z0-9]");
      }
    }
    for (unsigned char c : value) {
      if (c < 0x20 || c > 0x7E) {
        return make_error(error_kind::internal_error,
                          "metadata value of '" + name + "' is not printable ASCII");
      }
    }
    total += name.size() + value.size();
  }
  if (total > max_metadata_bytes) {
    return make_error(error_kind::internal_error, "metadata exceeds 8 KB");
  }
  return {};
}

}  // namespace visionary::core
