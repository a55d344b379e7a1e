// RGB colours in [0, 1] (written out as sRGB) for the demo painter: arithmetic, HSL conversion,
// retinting and blending. Thread-safe: pure functions and constants only.
#pragma once

#include "providers/demo/maths.hpp"

namespace visionary::providers::demo {

struct rgb {
  float r, g, b;

  bool operator==(const rgb&) const = default;
};

constexpr rgb operator+(rgb a, rgb b) {
  return {a.r + b.r, a.g + b.g, a.b + b.b};
}
constexpr rgb operator-(rgb a, rgb b) {
  return {a.r - b.r, a.g - b.g, a.b - b.b};
}
constexpr rgb operator*(rgb a, float s) {
  return {a.r * s, a.g * s, a.b * s};
}
constexpr rgb mix(rgb a, rgb b, float t) {
  return a + (b - a) * t;
}
inline constexpr rgb white{1.0f, 1.0f, 1.0f};

inline rgb clamp01(rgb c) {
  return {clamp01(c.r), clamp01(c.g), clamp01(c.b)};
}

inline float luminance(rgb c) {
  return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b;
}

// Hue in turns: palette schemes are then plain hue offsets (1/2 = complementary, 1/3 = triadic).
struct hsl {
  float h, s, l;
};

rgb from_hsl(float h, float s, float l);
hsl to_hsl(rgb c);

// Moves c towards target's hue while keeping c's lightness, so a themed palette keeps its
// light/dark structure (a night stays dark) but takes the colour the prompt asked for. Near-white
// is pulled down a little, since it cannot show a hue.
rgb retint(rgb c, rgb target, float amount);

// Pushes saturation up (keeping hue and lightness) for elements that must read as coloured light.
rgb vivid(rgb c, float min_saturation);

enum class blend { normal, screen };

// Blends src over dst with coverage a. Inline: it runs once per painted pixel.
inline void blend_onto(rgb& dst, rgb src, float a, blend mode) {
  if (mode == blend::normal) {
    dst = mix(dst, src, a);
  } else {
    // Screen never exceeds 1, so stacked lights saturate softly instead of clipping.
    dst = {dst.r + src.r * a * (1.0f - dst.r), dst.g + src.g * a * (1.0f - dst.g),
           dst.b + src.b * a * (1.0f - dst.b)};
  }
}

}  // namespace visionary::providers::demo
