// Thin wrappers over OpenSSL: HMAC-SHA256, SHA-256, secure random bytes, constant-time compare.
// Stateless; thread-safe (OpenSSL 3 is thread-safe for these calls).
#pragma once

#include <string>
#include <string_view>

namespace visionary::util {

// Raw 32-byte HMAC-SHA256 of message under key.
[[nodiscard]] std::string hmac_sha256(std::string_view key, std::string_view message);
// Raw 32-byte SHA-256 digest.
[[nodiscard]] std::string sha256(std::string_view data);
[[nodiscard]] std::string hex_encode(std::string_view bytes);
// Cryptographically secure random bytes; throws std::runtime_error if the RNG fails (a bug/startup
// issue).
[[nodiscard]] std::string random_bytes(std::size_t count);
// Random lowercase base-32 token ([a-z2-7]), for ids that appear in blob names.
[[nodiscard]] std::string random_token(std::size_t length);
// Compares without leaking the position of the first difference through timing.
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace visionary::util
