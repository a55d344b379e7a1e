// The demo painter's floating-point pixel buffer and its anti-aliased drawing primitives.
// Thread-safe: functions only touch the canvas they are given; use one canvas per thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <vector>

#include "providers/demo/colour.hpp"

namespace visionary::providers::demo {

struct canvas {
  canvas(int w_, int h_)
      : w(w_),
        h(h_),
        unit(static_cast<float>(std::min(w_, h_))),
        scale(unit / 1024.0f),
        px(std::max(1.0f, scale)),
        pixels(static_cast<std::size_t>(w_) * static_cast<std::size_t>(h_)) {}

  rgb* row(int y) {
    return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
  }
  const rgb* row(int y) const {
    return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
  }

  int w, h;
  float unit;   // shorter side: layout is in fractions of it so every size looks alike
  float scale;  // unit / 1024, for small features (glows, spikes) sized in 1024-canvas pixels
  float px;     // the same but never below one real pixel, for hairlines that must stay visible
  std::vector<rgb> pixels;
};

struct pixel_box {
  int x0, y0, x1, y1;  // half-open
};

inline int to_pixel(float v, int hi) {
  return static_cast<int>(std::clamp(v, 0.0f, static_cast<float>(hi)));
}

// Pixel range touched by a shape spanning [x0, x1] x [y0, y1], with slack for the AA ramp.
pixel_box bounds(const canvas& c, float x0, float y0, float x1, float y1);

// Fills a shape given by a signed distance function (negative inside, in pixels). Coverage ramps
// linearly across `feather` pixels around the edge: 1 gives crisp anti-aliasing, more gives blur.
template <class Sdf>
void fill_sdf(canvas& c, pixel_box b, rgb col, float alpha, float feather, blend mode, Sdf sdf) {
  const float inv = 1.0f / std::max(feather, 1e-3f);
  for (int y = b.y0; y < b.y1; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float a = clamp01(0.5f - sdf(static_cast<float>(x) + 0.5f, yc) * inv) * alpha;
      if (a > 0.0f) blend_onto(row[x], col, a, mode);
    }
  }
}

void fill_disc(canvas& c, float cx, float cy, float radius, rgb col, float alpha,
               float feather = 1.0f, blend mode = blend::normal);

void stroke_circle(canvas& c, float cx, float cy, float radius, float width, rgb col, float alpha);

// Axis-aligned rectangle with exact area coverage per pixel (product of the 1-D overlaps).
void fill_rect(canvas& c, float x0, float y0, float x1, float y1, rgb col, float alpha = 1.0f);

// Soft light: (1 - d^2/R^2)^3 looks Gaussian but reaches exactly zero at R and needs no sqrt or
// exp.
void add_glow(canvas& c, float cx, float cy, float radius, rgb col, float strength);

// Convex triangle as the max of its three edge distances: exact inside, close enough outside for
// AA.
class triangle_sdf {
 public:
  triangle_sdf(float ax, float ay, float bx, float by, float cx, float cy);

  float operator()(float x, float y) const {
    return std::max({nx_[0] * x + ny_[0] * y - d_[0], nx_[1] * x + ny_[1] * y - d_[1],
                     nx_[2] * x + ny_[2] * y - d_[2]});
  }

 private:
  std::array<float, 3> nx_{}, ny_{}, d_{};
};

// Pointed petal/leaf: intersection of two discs, centred [mx, my], long axis along unit (ux, uy).
void fill_lens(canvas& c, float mx, float my, float ux, float uy, float half_len, float half_w,
               rgb col, float alpha);

// Whole canvas: top to bottom, reaching `bottom` at reach_y; power > 1 keeps the top colour longer.
void fill_vertical_gradient(canvas& c, rgb top, rgb bottom, float reach_y, float power);

// Whole canvas: a to b across the canvas along `angle` (radians), with smoothstep easing.
void fill_linear_gradient(canvas& c, rgb a, rgb b, float angle);

// Lightens (or darkens) a horizontal band towards `col`, e.g. mist at the foot of a skyline.
void haze(canvas& c, float y0, float y1, rgb col, float max_alpha);

}  // namespace visionary::providers::demo
