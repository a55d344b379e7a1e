// Reading what Azure Blob Storage says about blobs: the List Blobs answer (EnumerationResults XML)
// and the ETag spelling. Pure functions of their input; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/ports/blob_store.hpp"
#include "util/error.hpp"

namespace visionary::storage {

// Parses a List Blobs answer (EnumerationResults XML) into a page: one item per <Blob>, and the
// <NextMarker> when there is one. storage_error when it is not such an answer. Unreadable sizes
// and dates (including years beyond util::max_year) become 0 and the epoch.
[[nodiscard]] outcome<core::blob_page> parse_list_blobs(std::string_view xml);

// The ETag in double quotes, as HTTP writes it (Azure's listings leave them out).
[[nodiscard]] std::string quoted_etag(std::string_view etag);

}  // namespace visionary::storage
