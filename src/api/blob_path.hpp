// The parts of a GET /blobs/{container}/{name} request read before the store is asked: the path
// and the Range header. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/ports/blob_store.hpp"
#include "util/error.hpp"

namespace visionary::api {

// Splits the "*" capture "{container}/{name...}" (still encoded) after rejecting anything that
// could escape the store: encoded slashes or backslashes, dot segments, empty segments.
[[nodiscard]] outcome<std::pair<std::string, std::string>> split_blob_path(std::string_view rest);

// Parses a single "bytes=first-last" / "bytes=first-" / "bytes=-suffix" range for a body of size
// bytes. nullopt when absent or not a single byte range (then the whole body is served).
[[nodiscard]] std::optional<core::byte_range> parse_range_header(std::string_view value,
                                                                 std::uint64_t size);

}  // namespace visionary::api
