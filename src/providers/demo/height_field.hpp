// Height-field layers for the demo painter: a curve per column (ridge, wave, paper edge) filled
// downwards with gradient, rim light and cast shadow. Thread-safe: no shared state.
#pragma once

#include <vector>

#include "providers/demo/canvas.hpp"
#include "providers/demo/colour.hpp"

namespace visionary::providers::demo {

struct curve {
  explicit curve(int w) : y(static_cast<std::size_t>(w)), norm(static_cast<std::size_t>(w)) {}

  // 1/sqrt(1 + slope^2) turns the vertical distance to the curve into a perpendicular one, so steep
  // slopes (tree tops, wave crests) get the same 1-pixel AA ramp as flat ones. Call after filling
  // y.
  void finalise();
  float top() const;  // smallest y: the highest point

  std::vector<float> y;  // curve height per column, pixels
  std::vector<float> norm;
};

struct layer_style {
  rgb top_colour{}, bottom_colour{};  // vertical gradient over [gradient_from, gradient_to]
  float gradient_from = 0.0f, gradient_to = 1.0f;
  rgb rim{};  // light catching the edge: foam, sunlit crest, paper edge
  float rim_width = 1.0f, rim_alpha = 0.0f;
  float shadow_width = 0.0f, shadow_alpha = 0.0f;  // soft shadow cast onto what lies behind
};

// Paints everything below the curve in the given style, over what is already on the canvas.
void fill_below(canvas& c, const curve& cv, const layer_style& st);

}  // namespace visionary::providers::demo
