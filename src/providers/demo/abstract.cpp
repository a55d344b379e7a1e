#include "providers/demo/abstract.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

#include "providers/demo/height_field.hpp"
#include "providers/demo/maths.hpp"

namespace visionary::providers::demo {
namespace {

// One depth of field for bokeh discs: how many, how big, how blurred and how strong.
struct bokeh_depth {
  int count;
  float min_r, max_r, blur, min_a, max_a;  // blur: edge softness as a fraction of the radius
  bool in_focus;
};

// The wavy line through the canvas centre that the discs gather along.
struct bokeh_path {
  float dx, dy;  // direction
  float wave, wave_f, wave_p;
  float length;
};

bokeh_path random_bokeh_path(const canvas& c, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float angle = r.range(-0.6f, 0.6f);
  const float dx = std::cos(angle), dy = std::sin(angle);
  const float wave = r.range(0.08f, 0.2f) * H, wave_f = r.range(0.5f, 1.5f) * tau,
              wave_p = r.range(0.0f, tau);
  const float length = std::sqrt(W * W + H * H);
  return {dx, dy, wave, wave_f, wave_p, length};
}

void scatter_bokeh(canvas& c, rng& r, const bokeh_path& path, const std::array<rgb, 4>& colours,
                   const bokeh_depth& d) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  for (int i = 0; i < d.count; ++i) {
    const float t = r.unit();
    const float along = (t - 0.5f) * path.length;
    const float across = path.wave * std::sin(t * path.wave_f + path.wave_p) +
                         (r.unit() + r.unit() + r.unit() - 1.5f) * H * 0.22f;
    const float x = 0.5f * W + along * path.dx - across * path.dy;
    const float y = 0.5f * H + along * path.dy + across * path.dx;
    const float radius = c.unit * r.range(d.min_r, d.max_r);
    const rgb col = colours[static_cast<std::size_t>(r.below(4))];
    const float alpha = r.range(d.min_a, d.max_a);
    fill_disc(c, x, y, radius, col, alpha, std::max(1.0f, d.blur * radius), blend::screen);
    if (d.in_focus) {  // sharp discs show the lens' brighter rim
      const float rim = std::max(1.0f, 0.06f * radius);
      stroke_circle(c, x, y, radius - rim, rim, mix(col, white, 0.3f), alpha * 0.35f);
    }
  }
}

// Piecewise-linear ramp through the palette from light to deep, for layered bands.
rgb palette_ramp(const palette& p, float t) {
  const std::array<rgb, 5> stops{p.sky_bottom, p.accent[3], p.accent[0], p.accent[1], p.accent[2]};
  const float s = clamp01(t) * 4.0f;
  const auto i = std::min(static_cast<std::size_t>(s), std::size_t{3});
  return mix(stops[i], stops[i + 1], s - static_cast<float>(i));
}

// Two sines per band edge; each layer's phases drift a little from the one behind.
struct band_waves {
  float amp, f1, f2, p1, p2, drift1, drift2, tilt;
};

band_waves random_band_waves(const canvas& c, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float amp = H * r.range(0.05f, 0.1f);
  const float f1 = r.range(0.5f, 1.3f) * tau / W, f2 = f1 * r.range(1.8f, 2.6f);
  const float p1 = r.range(0.0f, tau), p2 = r.range(0.0f, tau);
  const float drift1 = r.range(0.3f, 0.9f), drift2 = r.range(0.2f, 0.7f);
  const float tilt = r.range(-0.25f, 0.25f) * H;
  return {amp, f1, f2, p1, p2, drift1, drift2, tilt};
}

void band_curve(curve& cv, const band_waves& bw, float width, float base, float a, float fi) {
  for (std::size_t x = 0; x < cv.y.size(); ++x) {
    const float fx = static_cast<float>(x);
    cv.y[x] = base + bw.tilt * (fx / width - 0.5f) +
              a * (0.65f * std::sin(fx * bw.f1 + bw.p1 + fi * bw.drift1) +
                   0.35f * std::sin(fx * bw.f2 + bw.p2 - fi * bw.drift2));
  }
  cv.finalise();
}

}  // namespace

void draw_bokeh(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  // Out-of-focus lights only glow against darkness, so the background comes from the deep colours.
  fill_linear_gradient(c, vivid(p.accent[2] * 0.6f, 0.5f),
                       vivid(mix(p.accent[2], p.accent[1], 0.45f), 0.5f), r.range(0.0f, tau));
  for (int i = 0; i < 2; ++i) {
    add_glow(c, W * r.unit(), H * r.unit(), c.unit * r.range(0.5f, 0.8f),
             p.accent[static_cast<std::size_t>(r.below(2))], 0.2f);
  }

  const bokeh_path path = random_bokeh_path(c, r);
  const std::array<rgb, 4> colours{vivid(p.accent[0], 0.6f), vivid(p.accent[3], 0.6f), p.glow,
                                   vivid(p.accent[1], 0.6f)};
  constexpr std::array<bokeh_depth, 3> depths{{{14, 0.08f, 0.17f, 0.45f, 0.15f, 0.3f, false},
                                               {24, 0.04f, 0.08f, 0.12f, 0.22f, 0.4f, false},
                                               {30, 0.015f, 0.04f, 0.0f, 0.3f, 0.6f, true}}};
  for (const bokeh_depth& d : depths) scatter_bokeh(c, r, path, colours, d);
  // Pinpoint sparkles on top.
  for (int i = 0; i < 25; ++i) {
    fill_disc(c, W * r.unit(), H * r.unit(), r.range(0.8f, 2.0f) * c.px, p.glow,
              r.range(0.3f, 0.8f), 1.0f, blend::screen);
  }
}

void draw_bands(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int layers = 6 + r.below(4);
  const bool light_first = r.chance(0.6f);
  const auto ramp = [&](float t) { return palette_ramp(p, light_first ? t : 1.0f - t); };
  fill_vertical_gradient(c, mix(ramp(0.0f), p.sky_top, 0.3f), ramp(0.0f), H * 0.3f, 1.0f);

  const band_waves waves = random_band_waves(c, r);
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const auto fi = static_cast<float>(i);
    const float base = H * (0.14f + 0.8f * fi / static_cast<float>(layers - 1));
    band_curve(cv, waves, W, base, waves.amp * r.range(0.7f, 1.3f), fi);
    const float t = (fi + 1.0f) / static_cast<float>(layers);
    const rgb col = ramp(t);
    layer_style st;
    st.top_colour = mix(col, white, 0.06f);
    st.bottom_colour = mix(col, ramp(t + 1.0f / static_cast<float>(layers)), 0.3f);
    st.gradient_from = cv.top();
    st.gradient_to = base + waves.amp * 2.0f + H * 0.1f;
    st.rim = mix(col, white, 0.4f);
    st.rim_width = 1.5f * c.px;
    st.rim_alpha = 0.3f;
    st.shadow_width = c.unit * 0.035f;
    st.shadow_alpha = 0.35f;
    fill_below(c, cv, st);
  }
}

}  // namespace visionary::providers::demo
