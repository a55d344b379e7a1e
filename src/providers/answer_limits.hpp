// answer_limits: how many bytes of a provider's answer are worth reading, so that a provider (or
// something posing as one) cannot make the server hold an unbounded answer. Constant functions.
#pragma once

#include <algorithm>
#include <cstddef>

namespace visionary::providers {

// Room for the JSON around the images: ids, usage, A1111's "parameters" and "info".
constexpr std::size_t answer_envelope_bytes = 1024 * 1024;

// An answer carrying `images` base64 images of at most `max_image_bytes` each (base64 adds 4/3).
[[nodiscard]] constexpr std::size_t base64_answer_limit(std::size_t max_image_bytes, int images) {
  return max_image_bytes * 4 / 3 * std::size_t(std::max(1, images)) + answer_envelope_bytes;
}

}  // namespace visionary::providers
