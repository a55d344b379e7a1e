// GET/HEAD /blobs/{container}/{name}: serves embedded-store files to holders of a valid signed
// read link, with ETag/304, Range/206 and a cache lifetime that never outlives the link.
// Thread-safe.
#pragma once

#include "core/ports/link_serving_store.hpp"
#include "http/router.hpp"

namespace visionary::api {

void add_blob_routes(http::router& routes, core::link_serving_store& store);

// Splits the "*" capture "{container}/{name...}" (still encoded) after rejecting anything that
// could escape the store: encoded slashes or backslashes, dot segments, empty segments.
[[nodiscard]] outcome<std::pair<std::string, std::string>> split_blob_path(std::string_view rest);

// The one spelling of a link's path and query that is passed on (the web tier never forwards the
// visitor's own bytes): "/blobs/{container}/{name}?k=v&..." with every part percent-encoded.
[[nodiscard]] std::string blob_link_target(std::string_view container, std::string_view name,
                                           const http::query_list& query);

// Parses a single "bytes=first-last" / "bytes=first-" / "bytes=-suffix" range for a body of size
// bytes. nullopt when absent or not a single byte range (then the whole body is served).
[[nodiscard]] std::optional<core::byte_range> parse_range_header(std::string_view value,
                                                                 std::uint64_t size);

}  // namespace visionary::api
