// Serves the web UI: the embedded asset table, or a folder given with --web-root for UI work.
// Hashed assets are immutable for a year, index.html is revalidated (ETag/304), unknown non-API
// paths fall back to index.html (client-side routes). Thread-safe (read-only).
#pragma once

#include <filesystem>
#include <string>

#include "http/router.hpp"

namespace visionary::ui {

// web_root empty: serve the embedded UI. image_origin: where image links point when that is not
// this site (e.g. "https://acct.blob.core.windows.net"), allowed by the page's CSP.
void add_ui_routes(http::router& routes, std::filesystem::path web_root, std::string image_origin);

}  // namespace visionary::ui
