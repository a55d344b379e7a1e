// The format of uploaded image bytes from their first bytes (magic numbers), never from a name or
// a declared type: PNG, JPEG and WebP are the formats uploads may have. Pure; thread-safe.
#pragma once

#include <optional>
#include <string_view>

namespace visionary::util {

// "png", "jpeg" or "webp"; nullopt for anything else.
[[nodiscard]] std::optional<std::string_view> sniff_image_format(std::string_view bytes);

}  // namespace visionary::util
