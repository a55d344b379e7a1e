// Raw DEFLATE (RFC 1951) of short texts, for packing long prompts into blob metadata.
// Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace visionary::util {

[[nodiscard]] std::string deflate_raw(std::string_view data);

// nullopt for data that is not a complete raw DEFLATE stream or that would inflate beyond
// max_output bytes (a small input must not be able to claim unbounded memory).
[[nodiscard]] std::optional<std::string> inflate_raw(std::string_view data, std::size_t max_output);

}  // namespace visionary::util
