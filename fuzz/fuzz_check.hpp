// What the fuzz targets share: an invariant check that ends the run with a message (libFuzzer then
// keeps the input), and helpers that turn fuzz bytes into text. Single-threaded use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace visionary::fuzz {

// Aborts with `what` when an invariant does not hold; libFuzzer reports it as a crash.
inline void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first line of text (without its '\n'); text keeps what follows.
inline std::string_view take_line(std::string_view& text) {
  const auto end = text.find('\n');
  const std::string_view line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

}  // namespace visionary::fuzz
