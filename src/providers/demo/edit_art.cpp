#include "providers/demo/edit_art.hpp"

#include <algorithm>

#include "providers/demo/demo_art.hpp"

namespace visionary::providers {

namespace {

constexpr int poster_levels = 6;
constexpr float art_share = 0.55f;   // of an edited pixel: the prompt's art
constexpr float tint_share = 0.25f;  // of an edited pixel: the references' colour

std::uint8_t posterise(std::uint8_t v) {
  const int step = 255 / (poster_levels - 1);
  return std::uint8_t(std::min(255, (v + step / 2) / step * step));
}

// How much of pixel i may change: 1 - the mask's alpha (everything without a mask).
float editable(const demo_edit_inputs& in, std::size_t i) {
  if (in.mask == nullptr) return 1.0f;
  return 1.0f - float(in.mask->rgba[i * 4 + 3]) / 255.0f;
}

}  // namespace

std::array<std::uint8_t, 3> average_colour(const rgba_pixels& image) {
  double sum[3] = {0, 0, 0};
  double weight = 0;
  for (std::size_t i = 0; i + 3 < image.rgba.size(); i += 4) {
    const double a = image.rgba[i + 3] / 255.0;
    for (int c = 0; c < 3; ++c) sum[c] += image.rgba[i + std::size_t(c)] * a;
    weight += a;
  }
  if (weight <= 0) return {0, 0, 0};
  return {std::uint8_t(sum[0] / weight), std::uint8_t(sum[1] / weight),
          std::uint8_t(sum[2] / weight)};
}

std::vector<std::uint8_t> paint_demo_edit(std::string_view prompt, const demo_edit_inputs& in) {
  const auto& src = in.source;
  const auto art = render_demo_art(prompt, src.width, src.height);
  std::vector<std::uint8_t> out(std::size_t(src.width) * std::size_t(src.height) * 3);
  for (int y = 0; y < src.height; ++y) {
    const int ay = std::min(art.height - 1, y * art.height / src.height);
    for (int x = 0; x < src.width; ++x) {
      const std::size_t i = std::size_t(y) * std::size_t(src.width) + std::size_t(x);
      const int ax = std::min(art.width - 1, x * art.width / src.width);
      const auto* a = &art.rgb[(std::size_t(ay) * std::size_t(art.width) + std::size_t(ax)) * 3];
      const float w = editable(in, i);
      for (int c = 0; c < 3; ++c) {
        const float original = src.rgba[i * 4 + std::size_t(c)];
        float edited = posterise(std::uint8_t(original)) * (1 - art_share) + a[c] * art_share;
        if (in.tint) edited = edited * (1 - tint_share) + (*in.tint)[std::size_t(c)] * tint_share;
        out[i * 3 + std::size_t(c)] =
            std::uint8_t(std::clamp(original * (1 - w) + edited * w + 0.5f, 0.0f, 255.0f));
      }
    }
  }
  return out;
}

}  // namespace visionary::providers
