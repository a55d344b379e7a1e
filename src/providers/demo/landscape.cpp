#include "providers/demo/landscape.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "providers/demo/height_field.hpp"
#include "providers/demo/maths.hpp"
#include "providers/demo/sky.hpp"

namespace visionary::providers::demo {
namespace {

struct octave {
  float freq, phase, weight;
};

// Sum of sines; `ridged` turns every octave but the first into 1-|sin| cusps for rocky peaks.
void terrain_curve(curve& cv, rng& r, float base, float amp, float cycles, bool ridged) {
  const float w = static_cast<float>(cv.y.size());
  std::array<octave, 5> oct{};
  float f = cycles * tau / w;
  float weight = 1.0f;
  float total = 0.0f;
  for (auto& o : oct) {
    o = {f * r.range(0.85f, 1.15f), r.range(0.0f, tau), weight};
    total += weight;
    f *= 2.07f;
    weight *= ridged ? 0.42f : 0.32f;
  }
  for (std::size_t x = 0; x < cv.y.size(); ++x) {
    const float fx = static_cast<float>(x);
    float v = oct[0].weight * (0.5f + 0.5f * std::sin(fx * oct[0].freq + oct[0].phase));
    for (std::size_t k = 1; k < oct.size(); ++k) {
      const float s = std::sin(fx * oct[k].freq + oct[k].phase);
      v += oct[k].weight * (ridged ? 1.0f - std::abs(s) : 0.5f + 0.5f * s);
    }
    cv.y[x] = base - amp * v / total;
  }
}

// Rolling ground with a row of pines: each tree is a concave spike whose sides droop in tiers
// (a sawtooth on the profile: gentle slope along a branch, sudden drop below its tip).
void treeline_curve(curve& cv, rng& r, float base, float tree_height) {
  terrain_curve(cv, r, base, tree_height * 0.35f, r.range(0.8f, 1.6f), false);
  const float w = static_cast<float>(cv.y.size());
  float x = -r.range(0.0f, tree_height * 0.3f);
  while (x < w + tree_height) {
    const float th = tree_height * r.range(0.5f, 1.0f);
    const float hw = th * r.range(0.17f, 0.25f);
    const float tiers = static_cast<float>(4 + r.below(3));
    const int x0 = to_pixel(x - hw, static_cast<int>(w) - 1);
    const int x1 = to_pixel(x + hw + 1.0f, static_cast<int>(w) - 1);
    for (int xi = x0; xi <= x1; ++xi) {
      const float a = std::abs(static_cast<float>(xi) + 0.5f - x) / hw;
      if (a >= 1.0f) continue;
      auto& y = cv.y[static_cast<std::size_t>(xi)];
      const float tier = a * tiers - std::floor(a * tiers);
      y = std::min(
          y, y + tree_height * 0.15f - th * (std::pow(1.0f - a, 1.3f) + 0.14f * (1.0f - a) * tier));
    }
    x += hw * r.range(1.1f, 2.2f);
  }
}

// Shapes the curve of land layer t (0 farthest .. 1 nearest) resting on `base`.
void land_curve(curve& cv, rng& r, terrain kind, float base, float height, float t) {
  switch (kind) {
    case terrain::mountains:
      terrain_curve(cv, r, base, height * (0.3f - 0.17f * t), r.range(0.9f, 2.0f), true);
      break;
    case terrain::hills:
      terrain_curve(cv, r, base, height * (0.11f - 0.04f * t), r.range(0.6f, 1.5f), false);
      break;
    case terrain::forest:
      treeline_curve(cv, r, base, height * (0.06f + 0.2f * t));
      break;
  }
  cv.finalise();
}

// Near layers darken towards the deep accent; the far ones melt into the mist (aerial perspective).
void draw_land_layers(canvas& c, const palette& p, rng& r, terrain kind, float horizon) {
  const auto H = static_cast<float>(c.h);
  const int layers = kind == terrain::forest ? 5 + r.below(2) : 4 + r.below(3);
  const rgb mist = mix(p.sky_bottom, p.glow, 0.2f);
  const rgb far = mix(mist, p.accent[1], 0.35f);
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(layers - 1);
    const float base = horizon + (H - horizon) * (0.06f + 0.78f * std::pow(t, 1.15f));
    land_curve(cv, r, kind, base, H, t);
    const rgb col = mix(mix(far, p.accent[2], std::pow(t, 0.9f)), p.accent[0],
                        0.18f * (1.0f - std::abs(2.0f * t - 1.0f)));
    layer_style st;
    st.top_colour = col;
    st.bottom_colour = mix(col, mist, (kind == terrain::forest ? 0.7f : 0.5f) * (1.0f - 0.7f * t));
    st.gradient_from = cv.top();
    st.gradient_to = base + (H - horizon) * 0.3f;
    st.rim = mix(col, p.glow, 0.5f);
    st.rim_width = 2.5f * c.px;
    st.rim_alpha = 0.35f * (1.0f - t);
    fill_below(c, cv, st);
  }
}

// One row of swell: raising a sine to a power narrows the crests and flattens the troughs, like
// real swell; a slower sine modulates the height along the row.
void swell_curve(curve& cv, rng& r, float base, float amp, float f1) {
  const float f2 = f1 * r.range(1.7f, 2.3f);
  const float f3 = f1 * r.range(0.3f, 0.45f);
  const float p1 = r.range(0.0f, tau), p2 = r.range(0.0f, tau), p3 = r.range(0.0f, tau);
  for (std::size_t x = 0; x < cv.y.size(); ++x) {
    const float fx = static_cast<float>(x);
    const float crest = std::pow(0.5f + 0.5f * std::sin(fx * f1 + p1), 1.8f);
    const float swell = 0.6f + 0.4f * std::sin(fx * f3 + p3);
    cv.y[x] = base - amp * swell * (0.75f * crest + 0.25f * (0.5f + 0.5f * std::sin(fx * f2 + p2)));
  }
  cv.finalise();
}

// Rows of swell from the horizon to the viewer: closer rows are taller, longer and foamier.
void draw_swell(canvas& c, const palette& p, rng& r, float horizon) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int layers = 8 + r.below(4);
  const float cycles = r.range(1.4f, 2.4f);
  const rgb far = mix(p.sky_bottom, p.accent[0], 0.4f);  // distant water mirrors the horizon sky
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(layers - 1);
    const float base = horizon + (H - horizon) * 0.97f * std::pow(t, 1.6f);
    const float amp = H * (0.003f + 0.07f * std::pow(t, 1.5f));
    swell_curve(cv, r, base, amp, (cycles * (1.0f + 5.0f * (1.0f - t))) * tau / W);
    const rgb col = mix(far, p.accent[2], std::pow(t, 0.7f));
    layer_style st;
    st.top_colour = mix(col, p.accent[3], 0.2f);
    st.bottom_colour = mix(col, p.accent[2], 0.45f);
    st.gradient_from = cv.top();
    st.gradient_to = base + amp + (H - horizon) * 0.1f;
    st.rim = mix(p.accent[3], white, 0.6f);
    st.rim_width = (1.0f + 4.0f * t) * c.px;
    st.rim_alpha = 0.45f + 0.35f * t;
    st.shadow_width = (2.0f + 10.0f * t) * c.scale;
    st.shadow_alpha = 0.2f;
    fill_below(c, cv, st);
  }
}

// Glitter: short bright streaks below the sun that widen towards the viewer.
void draw_glitter(canvas& c, const palette& p, rng& r, float horizon, float sun_x, float sun_r) {
  const auto H = static_cast<float>(c.h);
  for (int i = 0; i < 70; ++i) {
    const float t = r.unit();
    const float y = horizon + (H - horizon) * t * t + 2.0f * c.px;
    const float half_len = sun_r * (0.1f + 0.8f * t) * r.range(0.2f, 1.0f);
    const float half_h = (0.4f + 0.9f * t) * c.px;
    const float x = sun_x + r.range(-1.0f, 1.0f) * sun_r * (0.3f + 1.5f * t);
    fill_sdf(c, bounds(c, x - half_len - half_h, y - half_h, x + half_len + half_h, y + half_h),
             p.glow, 0.45f * (1.0f - 0.6f * t), 1.0f, blend::screen, [=](float px, float py) {
               const float dx = std::max(std::abs(px - x) - half_len, 0.0f);
               return std::sqrt(dx * dx + (py - y) * (py - y)) - half_h;
             });
  }
}

}  // namespace

void draw_landscape(canvas& c, const palette& p, rng& r, terrain kind) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.5f, 0.62f);
  const bool night = is_dark(p);
  draw_sky(c, p, horizon);
  if (luminance(p.sky_top) < 0.2f) draw_stars(c, r, night ? 700.0f : 250.0f, horizon, p.accent[3]);
  draw_sun(c, p, r, W * r.range(0.18f, 0.82f), horizon - H * r.range(0.04f, 0.24f),
           c.unit * r.range(0.04f, 0.075f), night);
  draw_land_layers(c, p, r, kind, horizon);
}

void draw_ocean(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.4f, 0.52f);
  const bool night = is_dark(p);
  draw_sky(c, p, horizon);
  if (luminance(p.sky_top) < 0.2f) draw_stars(c, r, night ? 700.0f : 250.0f, horizon, p.accent[3]);
  const float sun_x = W * r.range(0.25f, 0.75f);
  const float sun_r = c.unit * r.range(0.05f, 0.08f);
  draw_sun(c, p, r, sun_x, horizon - sun_r * r.range(0.0f, 2.5f), sun_r, night);
  draw_swell(c, p, r, horizon);
  draw_glitter(c, p, r, horizon, sun_x, sun_r);
}

}  // namespace visionary::providers::demo
