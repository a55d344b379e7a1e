// demo_art: procedural abstract art for the offline `demo` provider; not an AI model, it only reads
// the prompt's words. Thread-safe: render_demo_art is a pure function with no shared state.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace visionary::providers {

inline constexpr int demo_art_min_size = 64;
inline constexpr int demo_art_max_size = 2048;

struct demo_art_image {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgb;  // width * height * 3 bytes, 8-bit sRGB, row-major, no padding
};

// Renders a deterministic image for the prompt: same prompt + size -> identical bytes (for a given
// build). The prompt is trimmed, ASCII-lowercased and its whitespace runs collapsed first, so case
// and spacing never change the picture; an empty prompt renders a fixed image. width and height are
// clamped to [demo_art_min_size, demo_art_max_size]; the returned image carries the clamped size.
[[nodiscard]] demo_art_image render_demo_art(std::string_view prompt, int width, int height);

}  // namespace visionary::providers
