// GET/HEAD /blobs/{container}/{name}: serves embedded-store files to holders of a valid signed
// read link, with ETag/304, Range/206 and a cache lifetime that never outlives the link.
// Thread-safe.
#pragma once

#include "api/blob_path.hpp"
#include "core/ports/link_serving_store.hpp"
#include "http/router.hpp"

namespace visionary::api {

void add_blob_routes(http::router& routes, core::link_serving_store& store);

// The one spelling of a link's path and query that is passed on (the web tier never forwards the
// visitor's own bytes): "/blobs/{container}/{name}?k=v&..." with every part percent-encoded.
[[nodiscard]] std::string blob_link_target(std::string_view container, std::string_view name,
                                           const http::query_list& query);

}  // namespace visionary::api
