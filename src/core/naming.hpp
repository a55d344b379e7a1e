// Blob naming for images: "images/{inverted-millis}_{slug}_{token}.png" so the store's own
// lexicographic order is newest first, image ids that map back to a name prefix, and opaque
// cursors. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::core {

inline constexpr std::string_view image_prefix = "images/";
inline constexpr std::string_view thumbnail_prefix = "thumbnails/";
inline constexpr std::int64_t inverted_base = 9'999'999'999'999;  // 13 digits
inline constexpr std::size_t slug_max_length = 48;
inline constexpr std::size_t token_length = 10;

// Azure's container rules, which the filesystem store follows too: 3-63 characters of a-z, 0-9
// and single inner hyphens.
[[nodiscard]] bool is_valid_container_name(std::string_view name);

struct image_names {
  std::string id;              // "{inverted}-{token}"
  std::string image_blob;      // "images/{inverted}_{slug}_{token}.{png|jpg|webp}"
  std::string thumbnail_blob;  // "thumbnails/{inverted}_{slug}_{token}.webp"
};

[[nodiscard]] std::string inverted_millis(util::sys_time t);
// nullopt unless 13 digits of a time from 1970 to util::max_year.
[[nodiscard]] std::optional<util::sys_time> time_from_inverted(std::string_view digits);
// `extension` is the image's format as a blob name ends: png, jpg or webp.
[[nodiscard]] image_names make_image_names(util::sys_time created, std::string_view prompt,
                                           std::string_view token,
                                           std::string_view extension = "png");

struct parsed_image_id {
  std::string inverted;
  std::string token;
};
[[nodiscard]] std::optional<parsed_image_id> parse_image_id(std::string_view id);
// The listing prefix under which the image with this id lives.
[[nodiscard]] std::string image_blob_prefix(const parsed_image_id& id);
// Parses "images/{inverted}_{slug}_{token}.{png|jpg|webp}"; nullopt for any other name.
[[nodiscard]] std::optional<image_names> names_from_image_blob(std::string_view blob_name);
// The "{slug}" of an image blob name (what the prompt looked like); empty for other names.
[[nodiscard]] std::string_view slug_of_image_blob(std::string_view blob_name);

// The entry "edits/{parent}/{child}" that lists an edit under the image it was made from; its
// prefix lists a parent's edits newest first (ids start with the inverted time).
inline constexpr std::string_view edit_marker_root = "edits/";
[[nodiscard]] std::string edit_marker_prefix(std::string_view parent_id);
[[nodiscard]] std::string edit_marker_name(std::string_view parent_id, std::string_view child_id);

// Cursors wrap the store's continuation marker; malformed ones are invalid_request.
[[nodiscard]] std::string encode_cursor(std::string_view marker);
[[nodiscard]] outcome<std::string> decode_cursor(std::string_view cursor);

}  // namespace visionary::core
