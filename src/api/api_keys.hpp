// api_keys: the named keys of the OpenAI-compatible gateway (VISIONARY_API_KEYS), parsed and
// checked once at start-up, and the look-up of a presented key in constant time: every configured
// key's SHA-256 is compared with the presented key's, all of them, with CRYPTO_memcmp, so neither
// a key's content nor its length shows in the time taken. Immutable once built; thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace visionary::api {

// The shortest key accepted, and the most keys one server holds.
inline constexpr std::size_t min_api_key_chars = 16;
inline constexpr std::size_t max_api_key_chars = 256;
inline constexpr std::size_t max_api_keys = 1000;
inline constexpr std::size_t max_api_key_name_chars = 64;

class api_key_table {
 public:
  api_key_table() = default;  // no keys: the gateway is off

  // "name1:key1,name2:key2" (a file holds the same entries one a line, # comments and blank lines
  // skipped). Names are 1..64 of [A-Za-z0-9._-] and unique; keys are 16..256 printable ASCII
  // characters without spaces or commas, and unique. The error names the entry by its position
  // and name, never the key.
  [[nodiscard]] static outcome<api_key_table> parse(std::string_view text);
  [[nodiscard]] static outcome<api_key_table> parse_lines(std::string_view text);

  // The name of the key presented, if it is one of ours.
  [[nodiscard]] std::optional<std::string> identify(std::string_view presented) const;
  [[nodiscard]] bool empty() const { return keys_.empty(); }
  [[nodiscard]] std::vector<std::string> names() const;

 private:
  struct entry {
    std::string name;
    std::string digest;  // SHA-256 of the key
  };
  [[nodiscard]] static outcome<api_key_table> from_entries(
      const std::vector<std::string_view>& entries);
  std::vector<entry> keys_;
};

// The bearer token of an Authorization header ("Bearer <token>", the scheme in any case);
// nullopt when there is none.
[[nodiscard]] std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace visionary::api
