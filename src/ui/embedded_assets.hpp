// The web UI compiled into the binary: a table sorted by path, generated at build time by
// scripts/embed-ui.mjs from the Vite build. Immutable static data; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace visionary::ui {

struct embedded_asset {
  std::string_view path;  // "/index.html", "/assets/index-3f9a.js"
  std::string_view content_type;
  std::string_view etag;  // quoted
  std::string_view body;
  std::string_view gzip_body;  // empty when compression would not help
};

[[nodiscard]] std::span<const embedded_asset> embedded_assets();
// Binary search over the sorted table; nullptr when absent.
[[nodiscard]] const embedded_asset* find_embedded_asset(std::string_view path);

}  // namespace visionary::ui
