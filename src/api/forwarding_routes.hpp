// The API middleware of `visionary web`: the public /api/* and /blobs/* routes, checked at the edge
// exactly as the backend checks them, then forwarded to the backend with the function key added
// server-side. Backend addresses and keys never reach a response. Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "http/router.hpp"
#include "net/http_client.hpp"

namespace visionary::api {

struct backend_settings {
  std::string base_url;       // e.g. https://visionary-fn.azurewebsites.net (no trailing slash)
  std::string functions_key;  // sent as x-functions-key; empty for none
  std::chrono::seconds timeout{600};
  std::size_t max_upload_bytes = 25 * 1024 * 1024;  // an edit's multipart body
  std::size_t max_body_bytes = 64 * 1024;           // any other body
};

void add_forwarding_routes(http::router& routes, net::http_client& client,
                           backend_settings settings);

}  // namespace visionary::api
