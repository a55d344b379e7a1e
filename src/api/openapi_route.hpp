// GET /api/openapi.json: the API's OpenAPI document, served by every role (it is static, so the
// web tier answers it itself). Thread-safe (read-only).
#pragma once

#include "http/router.hpp"

namespace visionary::api {

void add_openapi_route(http::router& routes);

}  // namespace visionary::api
