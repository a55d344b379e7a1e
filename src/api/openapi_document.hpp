// The HTTP API's OpenAPI 3.1 document (src/api/openapi.json), embedded at build time by
// cmake/embed_openapi.cmake. Thread-safe (constant data).
#pragma once

#include <string_view>

namespace visionary::api {

// The document's bytes, exactly as in src/api/openapi.json.
std::string_view openapi_document();
// A strong ETag of those bytes (quoted).
std::string_view openapi_etag();

}  // namespace visionary::api
