#include "providers/demo/sky.hpp"

#include <cmath>

#include "providers/demo/maths.hpp"

namespace visionary::providers::demo {

void draw_sky(canvas& c, const palette& p, float horizon) {
  fill_vertical_gradient(c, p.sky_top, p.sky_bottom, horizon, 1.35f);
}

void draw_stars(canvas& c, rng& r, float per_megapixel, float y_limit, rgb tint) {
  const auto count =
      static_cast<int>(per_megapixel * static_cast<float>(c.w) * static_cast<float>(c.h) / 1.0e6f);
  for (int i = 0; i < count; ++i) {
    const float x = r.range(0.0f, static_cast<float>(c.w));
    const float y = r.range(0.0f, y_limit);
    const float b = std::pow(r.unit(), 3.0f);  // mostly faint, a few bright
    const float fade = std::sqrt(clamp01(1.0f - y / y_limit));
    const rgb col = mix(white, tint, r.unit() * 0.6f);
    fill_disc(c, x, y, (0.45f + 1.1f * b) * c.px, col, (0.3f + 0.7f * b) * fade, 1.0f,
              blend::screen);
    if (b > 0.5f) add_glow(c, x, y, 9.0f * c.scale * b, col, 0.35f * b * fade);
  }
}

void draw_sun(canvas& c, const palette& p, rng& r, float x, float y, float radius, bool moon) {
  add_glow(c, x, y, radius * 9.0f, p.glow, moon ? 0.12f : 0.25f);
  add_glow(c, x, y, radius * 2.6f, p.glow, moon ? 0.25f : 0.45f);
  const rgb disc = mix(p.glow, white, 0.4f);
  fill_disc(c, x, y, radius, disc, 1.0f, 1.2f * c.px);
  if (!moon) return;
  const rgb crater = mix(disc, p.sky_bottom, 0.5f);
  for (int i = 0; i < 5; ++i) {
    const float a = r.range(0.0f, tau);
    const float d = radius * std::sqrt(r.unit()) * 0.65f;
    fill_disc(c, x + std::cos(a) * d, y + std::sin(a) * d, radius * r.range(0.08f, 0.22f), crater,
              0.18f, 2.0f * c.px);
  }
}

}  // namespace visionary::providers::demo
