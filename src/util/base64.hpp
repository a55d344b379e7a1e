// Base64 (RFC 4648 standard and URL-safe alphabets) encoding and strict decoding.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace visionary::util {

[[nodiscard]] std::string base64_encode(std::string_view bytes);
// Standard alphabet with padding required; nullopt for any malformed input.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

// URL-safe alphabet without padding (RFC 4648 §5), used for opaque cursors.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);
[[nodiscard]] std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace visionary::util
