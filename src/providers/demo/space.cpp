#include "providers/demo/space.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "providers/demo/maths.hpp"
#include "providers/demo/noise.hpp"

namespace visionary::providers::demo {
namespace {

// A Gaussian stripe across the sky where nebula and stars gather, like the Milky Way.
struct galactic_band {
  float nx, ny;  // unit normal of the band
  float cx, cy;  // a point on its centre line
  float width;

  float at(float x, float y) const {
    const float d = ((x - cx) * nx + (y - cy) * ny) / width;
    return std::exp(-d * d);
  }
};

// Where the nebula's noise field is sampled: a frequency and offset in noise space.
struct nebula_noise {
  std::uint32_t seed;
  float freq;
  float ox, oy;
};

struct nebula_cell {
  rgb light;   // added with screen blending
  float dust;  // darkens what lies behind and hides the light
};

galactic_band random_band(const canvas& c, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float band_angle = r.range(-0.9f, 0.9f);
  const float bnx = -std::sin(band_angle), bny = std::cos(band_angle);
  const float bcx = W * r.range(0.35f, 0.65f), bcy = H * r.range(0.35f, 0.65f);
  const float band_w = c.unit * r.range(0.2f, 0.32f);
  return {bnx, bny, bcx, bcy, band_w};
}

// Domain warping: two fbm fields displace the lookup of a third, giving wispy, folded clouds.
nebula_cell nebula_at(const palette& p, const nebula_noise& nz, const galactic_band& band, float x,
                      float y) {
  const float u = x * nz.freq + nz.ox, v = y * nz.freq + nz.oy;
  const float wx = fbm(u, v, nz.seed);
  const float wy = fbm(u + 5.2f, v + 1.3f, nz.seed + 1U);
  const float n = fbm(u + 1.8f * wx, v + 1.8f * wy, nz.seed + 2U);
  const float b = band.at(x, y);
  const float density = smoothstep(0.32f, 0.85f, n) * (0.2f + 0.8f * b);
  const rgb tint = mix(p.accent[0], p.accent[1], smoothstep(0.3f, 0.7f, wx));
  const rgb col = mix(tint, p.accent[3], smoothstep(0.55f, 0.95f, n * b));
  const float dust =
      smoothstep(0.55f, 0.8f, fbm(u * 1.7f + 3.0f, v * 1.7f, nz.seed + 3U)) * b * 0.7f;
  return {col * (density * 0.9f), dust};
}

nebula_cell bilerp(const nebula_cell& a, const nebula_cell& b, const nebula_cell& cc,
                   const nebula_cell& d, float tx, float ty) {
  const rgb top = mix(a.light, b.light, tx), bottom = mix(cc.light, d.light, tx);
  const float dt = a.dust + (b.dust - a.dust) * tx, db = cc.dust + (d.dust - cc.dust) * tx;
  return {mix(top, bottom, ty), dt + (db - dt) * ty};
}

// The nebula is smooth, so evaluate it on a 4-px grid and interpolate: ~16x fewer fbm calls.
constexpr int nebula_step = 4;

void paint_nebula(canvas& c, const palette& p, const nebula_noise& nz, const galactic_band& band) {
  const int gw = c.w / nebula_step + 2, gh = c.h / nebula_step + 2;
  std::vector<nebula_cell> grid(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh));
  for (int gy = 0; gy < gh; ++gy) {
    for (int gx = 0; gx < gw; ++gx) {
      const auto x = static_cast<float>(gx * nebula_step), y = static_cast<float>(gy * nebula_step);
      grid[static_cast<std::size_t>(gy * gw + gx)] = nebula_at(p, nz, band, x, y);
    }
  }
  constexpr float inv_step = 1.0f / nebula_step;
  for (int y = 0; y < c.h; ++y) {
    const int gy = y / nebula_step;
    const float ty = static_cast<float>(y % nebula_step) * inv_step;
    rgb* row = c.row(y);
    const nebula_cell* g0 = &grid[static_cast<std::size_t>(gy * gw)];
    const nebula_cell* g1 = g0 + gw;
    for (int x = 0; x < c.w; ++x) {
      const int gx = x / nebula_step;
      const float tx = static_cast<float>(x % nebula_step) * inv_step;
      const nebula_cell v = bilerp(g0[gx], g0[gx + 1], g1[gx], g1[gx + 1], tx, ty);
      row[x] = row[x] * (1.0f - v.dust * 0.8f);
      blend_onto(row[x], v.light, 1.0f - v.dust, blend::screen);
    }
  }
}

// More stars inside the band, like a Milky Way.
void draw_band_stars(canvas& c, const palette& p, rng& r, const galactic_band& band) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const auto count = static_cast<int>(1600.0f * W * H / 1.0e6f);
  for (int i = 0; i < count; ++i) {
    const float x = r.range(0.0f, W), y = r.range(0.0f, H);
    if (!r.chance(0.3f + 0.7f * band.at(x, y))) continue;
    const float b = std::pow(r.unit(), 3.0f);
    const rgb col = mix(white, r.chance(0.5f) ? p.accent[3] : p.glow, r.unit() * 0.5f);
    fill_disc(c, x, y, (0.4f + 1.1f * b) * c.px, col, 0.3f + 0.6f * b, 1.0f, blend::screen);
    if (b > 0.4f) add_glow(c, x, y, 8.0f * c.scale * b, col, 0.3f * b);
  }
}

// A handful of bright stars with diffraction spikes.
void draw_bright_stars(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int bright = 4 + r.below(6);
  for (int i = 0; i < bright; ++i) {
    const float x = r.range(0.0f, W), y = r.range(0.0f, H);
    const float b = r.range(0.5f, 1.0f);
    const rgb col = mix(white, p.accent[3], r.unit() * 0.4f);
    fill_disc(c, x, y, 1.6f * c.px * b, col, 1.0f, 1.0f, blend::screen);
    add_glow(c, x, y, 16.0f * c.scale * b, col, 0.5f * b);
    const float len = 40.0f * c.scale * b, thick = 0.6f * c.px;
    fill_sdf(c, bounds(c, x - len, y - len, x + len, y + len), col, 0.8f * b, 1.0f, blend::screen,
             [=](float px, float py) {
               const float dx = std::abs(px - x), dy = std::abs(py - y);
               // Each spike's half-width shrinks linearly from `thick` at the star to 0 at its tip.
               const float h = dy - thick * (1.0f - dx / len), v = dx - thick * (1.0f - dy / len);
               return std::min(dx < len ? h : 1e9f, dy < len ? v : 1e9f);
             });
  }
}

}  // namespace

void draw_space(canvas& c, const palette& p, rng& r, bool planet) {
  fill_vertical_gradient(c, p.sky_top, p.sky_bottom, static_cast<float>(c.h), 1.0f);
  const auto seed = static_cast<std::uint32_t>(r.next());
  const galactic_band band = random_band(c, r);
  const float freq = r.range(2.0f, 3.2f) / c.unit;
  const float ox = r.range(0.0f, 100.0f), oy = r.range(0.0f, 100.0f);
  paint_nebula(c, p, {seed, freq, ox, oy}, band);
  draw_band_stars(c, p, r, band);
  draw_bright_stars(c, p, r);
  if (planet) draw_planet(c, p, r);
}

void draw_planet(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float radius = c.unit * r.range(0.1f, 0.2f);
  const float cx = W * (r.chance(0.5f) ? r.range(0.12f, 0.32f) : r.range(0.68f, 0.88f));
  const float cy = H * r.range(0.6f, 0.82f);
  const float la = r.range(0.0f, tau);
  const float lx = 0.75f * std::cos(la), ly = 0.75f * std::sin(la), lz = 0.66f;
  const float band_freq = r.range(7.0f, 14.0f), band_phase = r.range(0.0f, tau);
  const rgb body = mix(p.accent[0], p.accent[1], r.range(0.3f, 0.7f));
  const rgb stripe = mix(body, p.accent[3], 0.35f), night_side = mix(p.sky_top, p.accent[2], 0.5f);

  add_glow(c, cx + lx * radius * 0.3f, cy + ly * radius * 0.3f, radius * 1.5f, p.accent[3], 0.3f);
  const pixel_box b = bounds(c, cx - radius, cy - radius, cx + radius, cy + radius);
  const float inv_r = 1.0f / radius;
  for (int y = b.y0; y < b.y1; ++y) {
    const float ny = (static_cast<float>(y) + 0.5f - cy) * inv_r;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float nx = (static_cast<float>(x) + 0.5f - cx) * inv_r;
      const float q = nx * nx + ny * ny;
      const float cover = clamp01(0.5f - (std::sqrt(q) - 1.0f) * radius);
      if (cover <= 0.0f) continue;
      const float nz = std::sqrt(std::max(0.0f, 1.0f - q));
      const float band =
          0.5f + 0.5f * std::sin(ny * band_freq + 0.7f * std::sin(nx * 3.0f + band_phase));
      const float light = smoothstep(-0.25f, 0.85f, nx * lx + ny * ly + nz * lz);
      const float rim = (1.0f - nz) * (1.0f - nz) * light;
      const rgb surface = mix(body, stripe, 0.6f * band * band);
      row[x] = mix(row[x], mix(mix(night_side, surface, light), p.accent[3], 0.6f * rim), cover);
    }
  }
}

}  // namespace visionary::providers::demo
