// The demo's edit: an honest procedural variation of the source, not an AI edit. Inside the mask
// (everywhere without one) the source is posterised and blended with the demo's art for the prompt,
// tinted by the references' average colour; outside it every pixel stays as it was.
// Thread-safe: a pure function.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace visionary::providers {

struct rgba_pixels {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> rgba;  // width * height * 4
};

struct demo_edit_inputs {
  const rgba_pixels& source;
  const rgba_pixels* mask = nullptr;                // same size; alpha 0 = may change, 255 = keep
  std::optional<std::array<std::uint8_t, 3>> tint;  // the references' average colour
};

// 8-bit RGB of the source's size.
[[nodiscard]] std::vector<std::uint8_t> paint_demo_edit(std::string_view prompt,
                                                        const demo_edit_inputs& inputs);

// The average colour of an image (alpha-weighted); black for a fully transparent one.
[[nodiscard]] std::array<std::uint8_t, 3> average_colour(const rgba_pixels& image);

}  // namespace visionary::providers
