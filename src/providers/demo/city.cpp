#include "providers/demo/city.hpp"

#include <array>
#include <cstddef>

#include "providers/demo/sky.hpp"

namespace visionary::providers::demo {
namespace {

// Setback, antenna with a warning light, pointed roof, or (most often) a flat top.
void draw_roof(canvas& c, rng& r, float x0, float x1, float top, rgb wall) {
  const float bw = x1 - x0;
  switch (r.below(5)) {
    case 1: {  // setback
      const float inset = bw * r.range(0.15f, 0.3f);
      fill_rect(c, x0 + inset, top - bw * r.range(0.2f, 0.5f), x1 - inset, top + 1.0f, wall);
      break;
    }
    case 2: {  // antenna with a warning light
      const float ax = x0 + bw * r.range(0.3f, 0.7f), ah = bw * r.range(0.4f, 0.9f);
      fill_rect(c, ax - 1.0f * c.px, top - ah, ax + 1.0f * c.px, top + 1.0f, wall);
      add_glow(c, ax, top - ah, 6.0f * c.scale, {1.0f, 0.25f, 0.2f}, 0.8f);
      break;
    }
    case 3: {  // pointed roof
      const float apex = top - bw * r.range(0.25f, 0.6f);
      const triangle_sdf roof(x0, top + 1.0f, x1, top + 1.0f, 0.5f * (x0 + x1), apex);
      fill_sdf(c, bounds(c, x0, apex, x1, top + 1.0f), wall, 1.0f, 1.0f, blend::normal, roof);
      break;
    }
    default:
      break;
  }
}

// A centred grid of windows down to the ground, each lit with probability lit_ratio.
void draw_windows(canvas& c, const palette& p, rng& r, float x0, float x1, float top, rgb wall,
                  float window, float lit_ratio) {
  const auto H = static_cast<float>(c.h);
  const float bw = x1 - x0;
  const float win_w = window * 0.5f, win_h = window * 0.7f, pitch_y = window * 1.25f;
  const int cols = static_cast<int>((bw - window * 0.5f) / window);
  if (cols < 1) return;
  const float margin = 0.5f * (bw - static_cast<float>(cols) * window);
  const rgb unlit = mix(wall, p.sky_top, 0.25f);
  for (float wy = top + window * 0.8f; wy < H; wy += pitch_y) {
    for (int i = 0; i < cols; ++i) {
      const float wx = x0 + margin + (static_cast<float>(i) + 0.25f) * window;
      if (r.chance(lit_ratio)) {
        const rgb lit = r.chance(0.8f) ? p.glow : p.accent[3];
        fill_rect(c, wx, wy, wx + win_w, wy + win_h, lit, r.range(0.55f, 0.95f));
      } else {
        fill_rect(c, wx, wy, wx + win_w, wy + win_h, unlit, 0.5f);
      }
    }
  }
}

// One building with an optional roof feature and, if window > 0, a grid of lit/unlit windows.
void draw_building(canvas& c, const palette& p, rng& r, float x0, float x1, float top, rgb wall,
                   float window, float lit_ratio) {
  fill_rect(c, x0, top, x1, static_cast<float>(c.h) + 1.0f, wall);
  draw_roof(c, r, x0, x1, top, wall);
  if (window <= 0.0f) return;
  draw_windows(c, p, r, x0, x1, top, wall, window, lit_ratio);
}

// A vertical neon sign on the face of the building spanning [x, x + bw] from `top` down.
void draw_neon_sign(canvas& c, const palette& p, rng& r, float x, float bw, float top) {
  const auto H = static_cast<float>(c.h);
  const float sx = x + bw * r.range(0.15f, 0.75f), sy = top + (H - top) * r.range(0.1f, 0.4f);
  const float sh = (H - top) * r.range(0.15f, 0.3f), sw = bw * 0.1f;
  const rgb neon = r.chance(0.5f) ? p.accent[0] : p.accent[3];
  add_glow(c, sx + sw * 0.5f, sy + sh * 0.5f, sh * 0.8f, neon, 0.3f);
  fill_rect(c, sx, sy, sx + sw, sy + sh, mix(neon, white, 0.3f));
}

// Layer 0 is the far, hazy row without windows; layer 2 the near, dark one.
void draw_skyline_layer(canvas& c, const palette& p, rng& r, int layer, rgb wall, bool night) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const auto lf = static_cast<float>(layer);
  const float min_w = c.unit * (0.035f + 0.025f * lf), max_w = c.unit * (0.07f + 0.06f * lf);
  const float min_h = H * (0.28f - 0.1f * lf), max_h = H * (0.6f - 0.18f * lf);
  const float window = layer == 0 ? 0.0f : c.unit * (0.008f + 0.006f * lf);
  float x = -r.range(0.0f, max_w);
  while (x < W) {
    const float bw = r.range(min_w, max_w);
    const float top = H - r.range(min_h, max_h);
    draw_building(c, p, r, x, x + bw, top, wall, window, night ? 0.45f : 0.15f);
    if (night && layer == 2 && r.chance(0.2f)) draw_neon_sign(c, p, r, x, bw, top);
    x += bw * r.range(0.75f, 1.05f);
  }
}

}  // namespace

void draw_city(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.68f, 0.78f);
  const bool night = is_dark(p) || luminance(p.sky_bottom) < 0.35f;
  draw_sky(c, p, horizon);
  if (night) draw_stars(c, r, 500.0f, horizon * 0.8f, p.accent[3]);
  draw_sun(c, p, r, W * r.range(0.15f, 0.85f), H * r.range(0.12f, 0.35f),
           c.unit * r.range(0.035f, 0.06f), night);
  add_glow(c, W * 0.5f, horizon, W * 0.75f, p.glow, 0.12f);

  const std::array<rgb, 3> walls{mix(mix(p.sky_bottom, p.accent[2], 0.5f), p.accent[1], 0.2f),
                                 mix(p.accent[1], p.accent[2], 0.7f), p.accent[2] * 0.8f};
  for (int layer = 0; layer < 3; ++layer) {
    draw_skyline_layer(c, p, r, layer, walls[static_cast<std::size_t>(layer)], night);
    // Haze between layers pushes the farther ones back.
    if (layer < 2) {
      const auto lf = static_cast<float>(layer);
      haze(c, H - (H - horizon) * (1.5f - 0.5f * lf), H, mix(p.sky_bottom, p.glow, 0.2f), 0.4f);
    }
  }
}

}  // namespace visionary::providers::demo
