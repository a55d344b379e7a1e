#include "providers/demo/geometric.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

#include "providers/demo/maths.hpp"

namespace visionary::providers::demo {
namespace {

// ---------------------------------------------------------------------------------------------
// Burst
// ---------------------------------------------------------------------------------------------

// atan2 via a 7th-order polynomial (~1e-5 rad error): the ray pass calls it once per pixel.
float fast_atan2(float y, float x) {
  const float ax = std::abs(x), ay = std::abs(y);
  const float a = std::min(ax, ay) / (std::max(ax, ay) + 1e-20f);
  const float s = a * a;
  float angle = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
  if (ay > ax) angle = 1.57079637f - angle;
  if (x < 0.0f) angle = 3.14159274f - angle;
  return y < 0.0f ? -angle : angle;
}

// Whole canvas: radial gradient from the centre to the farthest corner, with alternating soft
// rays of glow fading in near the centre and out towards the edges.
void paint_sun_rays(canvas& c, const palette& p, rng& r, float cx, float cy) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float reach = std::sqrt(std::max(cx, W - cx) * std::max(cx, W - cx) +
                                std::max(cy, H - cy) * std::max(cy, H - cy));
  const rgb inner = mix(p.sky_bottom, p.glow, 0.35f), outer = p.sky_top;
  const float rays = static_cast<float>(12 + 4 * r.below(5));
  const float rot = r.unit();
  const float ray_alpha = r.range(0.07f, 0.14f);
  const float inv_reach = 1.0f / reach, ray_width = tau / rays, fade_in = 1.0f / (0.1f * c.unit);
  for (int y = 0; y < c.h; ++y) {
    const float dy = static_cast<float>(y) + 0.5f - cy;
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - cx;
      const float dist = std::sqrt(dx * dx + dy * dy);
      const float t = std::min(1.0f, dist * inv_reach);
      const rgb bg = mix(inner, outer, t * (2.0f - t));
      float f = fast_atan2(dy, dx) / tau * rays + rot;
      f -= std::floor(f);
      // Signed distance in pixels to the nearest ray edge (rays occupy f < 0.5).
      const float e =
          (f < 0.5f ? std::min(f, 0.5f - f) : -std::min(f - 0.5f, 1.0f - f)) * ray_width * dist;
      const float a =
          clamp01(0.5f + e) * ray_alpha * std::min(1.0f, dist * fade_in) * (1.0f - 0.5f * t);
      row[x] = mix(bg, p.glow, a);
    }
  }
}

// One mandala ring reaching in from outer_r: n petals with a highlight, a bead between each
// pair, and a thin circle inside.
struct petal_ring {
  float outer_r, len, half_w, turn;
  int n;
  rgb col;
};

void draw_petal_ring(canvas& c, const palette& p, float cx, float cy, const petal_ring& ring) {
  const float step = 1.0f / static_cast<float>(ring.n);
  const float len = ring.len, half_w = ring.half_w, outer_r = ring.outer_r;
  const rgb detail = mix(ring.col, white, 0.45f);
  for (int k = 0; k < ring.n; ++k) {
    const float a = tau * (static_cast<float>(k) * step + ring.turn);
    const float ux = std::cos(a), uy = std::sin(a);
    const float mid = outer_r - 0.5f * len;
    fill_lens(c, cx + ux * mid, cy + uy * mid, ux, uy, 0.5f * len, half_w, ring.col, 0.95f);
    fill_lens(c, cx + ux * (mid + 0.06f * len), cy + uy * (mid + 0.06f * len), ux, uy, 0.3f * len,
              0.4f * half_w, detail, 0.8f);
    const float b = a + 0.5f * step * tau;
    fill_disc(c, cx + std::cos(b) * (outer_r - 0.15f * len),
              cy + std::sin(b) * (outer_r - 0.15f * len), std::max(1.2f * c.px, 0.16f * half_w),
              p.glow, 0.9f);
  }
  stroke_circle(c, cx, cy, outer_r - len * 0.9f, 1.5f * c.px, mix(p.glow, ring.col, 0.3f), 0.6f);
}

// Rings of petals from radius r0 inwards (the outer half twice as dense), then a jewel core.
void draw_mandala(canvas& c, const palette& p, rng& r, float cx, float cy, float r0) {
  const int rings = 4 + r.below(3);
  const float ring_step = r0 / (static_cast<float>(rings) + 0.6f);
  constexpr std::array<int, 4> base_counts{6, 8, 10, 12};
  const int base_n = base_counts[static_cast<std::size_t>(r.below(4))];
  const std::array<rgb, 5> inks{p.accent[0], p.accent[1], p.accent[3], p.glow, p.accent[2]};
  const auto ink0 = static_cast<std::size_t>(r.below(5));
  const float spin = r.unit();
  add_glow(c, cx, cy, r0 * 1.3f, p.glow, 0.25f);
  for (int j = 0; j < rings; ++j) {
    const auto fj = static_cast<float>(j);
    const float outer_r = r0 - fj * ring_step;
    const float len = ring_step * r.range(1.5f, 2.0f);
    const int n = base_n * (j < rings / 2 ? 2 : 1);
    const float step = 1.0f / static_cast<float>(n);
    const float half_w =
        std::min(len * r.range(0.2f, 0.34f), 0.5f * tau * (outer_r - 0.5f * len) * step * 0.9f);
    const rgb col = inks[(ink0 + static_cast<std::size_t>(j)) % inks.size()];
    const float turn = spin + (j % 2 == 0 ? 0.0f : 0.5f * step);
    draw_petal_ring(c, p, cx, cy, {outer_r, len, half_w, turn, n, col});
  }
  const rgb core = inks[(ink0 + static_cast<std::size_t>(rings)) % inks.size()];
  fill_disc(c, cx, cy, ring_step * 0.8f, core, 1.0f);
  stroke_circle(c, cx, cy, ring_step * 0.55f, 1.5f * c.px, p.glow, 0.8f);
  fill_disc(c, cx, cy, ring_step * 0.25f, p.glow, 1.0f);
}

// ---------------------------------------------------------------------------------------------
// Low poly
// ---------------------------------------------------------------------------------------------

struct mesh_point {
  float x, y, z;  // z: height in cells, tilts the facets
};

struct facet {
  triangle_sdf sdf;
  pixel_box box;
  rgb col;
};

// Background colour under the mesh: a linear gradient plus three soft blobs of accent colour.
struct colour_field {
  struct blob {
    float x, y, inv_r2;
    rgb col;
  };

  float w, h, dx, dy;
  rgb from, to;
  std::array<blob, 3> blobs;

  rgb at(float x, float y) const {
    const float t = clamp01(0.5f + ((x / w - 0.5f) * dx + (y / h - 0.5f) * dy));
    rgb col = mix(from, to, t);
    for (const blob& b : blobs) {
      const float q = ((x - b.x) * (x - b.x) + (y - b.y) * (y - b.y)) * b.inv_r2;
      col = mix(col, b.col, 0.85f * std::exp(-q));
    }
    return col;
  }
};

// A (gw x gh) grid of points jittered within their cells; the first row and column sit one
// cell outside the canvas.
std::vector<mesh_point> jittered_grid(rng& r, int gw, int gh, float cell) {
  std::vector<mesh_point> pts(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh));
  for (int j = 0; j < gh; ++j) {
    for (int i = 0; i < gw; ++i) {
      pts[static_cast<std::size_t>(j * gw + i)] = {
          (static_cast<float>(i - 1) + r.range(-0.4f, 0.4f)) * cell,
          (static_cast<float>(j - 1) + r.range(-0.4f, 0.4f)) * cell, r.range(0.0f, 0.8f)};
    }
  }
  return pts;
}

colour_field random_colour_field(const canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float angle = r.range(0.0f, tau);
  colour_field field{W, H, std::cos(angle), std::sin(angle), p.sky_top, p.sky_bottom, {}};
  for (std::size_t k = 0; k < field.blobs.size(); ++k) {
    const float radius = c.unit * r.range(0.25f, 0.5f);
    field.blobs[k] = {W * r.unit(), H * r.unit(), 1.0f / (radius * radius),
                      p.accent[k == 2 ? 3 : k]};
  }
  return field;
}

// The field's colour at the centroid, shaded by the facet's tilt towards a light from the upper
// left. Flat facets (normal == (0,0,1)) keep their colour; tilted ones brighten or darken.
facet make_facet(const canvas& c, const colour_field& field, float cell, const mesh_point& a,
                 const mesh_point& b, const mesh_point& d) {
  const float lx = -0.45f, ly = -0.6f, lz = 0.66f;
  const float e1x = (b.x - a.x) / cell, e1y = (b.y - a.y) / cell, e1z = b.z - a.z;
  const float e2x = (d.x - a.x) / cell, e2y = (d.y - a.y) / cell, e2z = d.z - a.z;
  float nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
  const float len = std::sqrt(nx * nx + ny * ny + nz * nz);
  if (nz < 0.0f) nx = -nx, ny = -ny, nz = -nz;
  const float shade = 1.0f + 0.55f * ((nx * lx + ny * ly + nz * lz) / std::max(len, 1e-6f) - lz);
  const rgb col = clamp01(field.at((a.x + b.x + d.x) / 3.0f, (a.y + b.y + d.y) / 3.0f) * shade);
  return {triangle_sdf(a.x, a.y, b.x, b.y, d.x, d.y),
          bounds(c, std::min({a.x, b.x, d.x}), std::min({a.y, b.y, d.y}), std::max({a.x, b.x, d.x}),
                 std::max({a.y, b.y, d.y})),
          col};
}

// Each grid cell becomes two triangles, split along a random diagonal.
std::vector<facet> triangulate(const canvas& c, const colour_field& field, rng& r,
                               const std::vector<mesh_point>& pts, int gw, int gh, float cell) {
  std::vector<facet> facets;
  facets.reserve(static_cast<std::size_t>(2 * (gw - 1) * (gh - 1)));
  const auto add = [&](const mesh_point& a, const mesh_point& b, const mesh_point& d) {
    facets.push_back(make_facet(c, field, cell, a, b, d));
  };
  for (int j = 0; j + 1 < gh; ++j) {
    for (int i = 0; i + 1 < gw; ++i) {
      const mesh_point& a = pts[static_cast<std::size_t>(j * gw + i)];
      const mesh_point& b = pts[static_cast<std::size_t>(j * gw + i + 1)];
      const mesh_point& d = pts[static_cast<std::size_t>((j + 1) * gw + i)];
      const mesh_point& e = pts[static_cast<std::size_t>((j + 1) * gw + i + 1)];
      if (r.chance(0.5f)) {
        add(a, b, e);
        add(a, e, d);
      } else {
        add(a, b, d);
        add(b, e, d);
      }
    }
  }
  return facets;
}

// ---------------------------------------------------------------------------------------------
// Bauhaus
// ---------------------------------------------------------------------------------------------

struct tile {
  float x0, y0, x1, y1;  // integer-valued edges
  pixel_box clip;
};

// Chooses tile inks: one of the first `choices`, never `avoid` or `avoid2`, preferably
// contrasting `avoid` in lightness.
class ink_picker {
 public:
  ink_picker(rng& r, const std::array<rgb, 6>& inks) : r_(r), inks_(inks) {}

  std::size_t pick(std::size_t avoid, std::size_t avoid2, std::size_t choices) {
    std::size_t best = choices;
    for (int attempt = 0; attempt < 8; ++attempt) {
      const auto k = static_cast<std::size_t>(r_.below(static_cast<int>(choices)));
      if (k == avoid || k == avoid2) continue;
      best = k;
      if (avoid >= inks_.size() || std::abs(luminance(inks_[k]) - luminance(inks_[avoid])) > 0.12f)
        break;
    }
    for (std::size_t k = 0; best == choices; ++k) {
      if (k != avoid && k != avoid2) best = k;
    }
    return best;
  }

 private:
  rng& r_;
  const std::array<rgb, 6>& inks_;
};

void tile_disc(canvas& c, const tile& t, float px, float py, float radius, rgb col) {
  fill_sdf(c, t.clip, col, 1.0f, 1.0f, blend::normal, [=](float x, float y) {
    return std::sqrt((x - px) * (x - px) + (y - py) * (y - py)) - radius;
  });
}

// Three to five stripes across the tile, vertical or horizontal.
void tile_stripes(canvas& c, rng& r, const tile& t, rgb col) {
  const bool vertical = r.chance(0.5f);
  const float period = (vertical ? t.x1 - t.x0 : t.y1 - t.y0) / static_cast<float>(3 + r.below(3));
  const float origin = vertical ? t.x0 : t.y0;
  fill_sdf(c, t.clip, col, 1.0f, 1.0f, blend::normal, [=](float x, float y) {
    const float u = ((vertical ? x : y) - origin) / period;
    return (std::abs(u - std::floor(u) - 0.5f) - 0.25f) * period;
  });
}

// Leaf: the overlap of two quarter discs from opposite corners.
void tile_leaf(canvas& c, const tile& t, float corner_x, float corner_y, float s, rgb col) {
  const float ox = corner_x == t.x0 ? t.x1 : t.x0, oy = corner_y == t.y0 ? t.y1 : t.y0;
  fill_sdf(c, t.clip, col, 1.0f, 1.0f, blend::normal, [=](float x, float y) {
    const float d1 = std::sqrt((x - corner_x) * (x - corner_x) + (y - corner_y) * (y - corner_y));
    const float d2 = std::sqrt((x - ox) * (x - ox) + (y - oy) * (y - oy));
    return std::max(d1, d2) - s;
  });
}

// One random motif in ink `fg` (some use `fg2` too); plain tiles give the grid room to breathe.
void draw_tile_motif(canvas& c, rng& r, const tile& t, rgb fg, rgb fg2) {
  const float s = std::min(t.x1 - t.x0, t.y1 - t.y0);
  const float mx = 0.5f * (t.x0 + t.x1), my = 0.5f * (t.y0 + t.y1);
  const float corner_x = r.chance(0.5f) ? t.x0 : t.x1, corner_y = r.chance(0.5f) ? t.y0 : t.y1;
  switch (r.below(9)) {
    case 0:
      tile_disc(c, t, mx, my, 0.36f * s, fg);
      break;
    case 1: {  // half disc rising from the middle of one side
      const std::array<std::array<float, 2>, 4> sides{
          {{t.x0, my}, {t.x1, my}, {mx, t.y0}, {mx, t.y1}}};
      const auto& side = sides[static_cast<std::size_t>(r.below(4))];
      tile_disc(c, t, side[0], side[1], 0.5f * s, fg);
      break;
    }
    case 2:  // quarter disc from a corner
      tile_disc(c, t, corner_x, corner_y, s, fg);
      break;
    case 3: {  // right triangle in a corner
      const triangle_sdf tri(corner_x, corner_y, corner_x == t.x0 ? t.x1 : t.x0, corner_y, corner_x,
                             corner_y == t.y0 ? t.y1 : t.y0);
      fill_sdf(c, t.clip, fg, 1.0f, 1.0f, blend::normal, tri);
      break;
    }
    case 4:  // target
      tile_disc(c, t, mx, my, 0.42f * s, fg);
      tile_disc(c, t, mx, my, 0.28f * s, fg2);
      tile_disc(c, t, mx, my, 0.14f * s, fg);
      break;
    case 5:
      tile_stripes(c, r, t, fg);
      break;
    case 6:
      tile_leaf(c, t, corner_x, corner_y, s, fg);
      break;
    case 7:  // rising sun over a half disc
      tile_disc(c, t, mx, t.y1, 0.5f * s, fg);
      tile_disc(c, t, mx, my - 0.12f * s, 0.16f * s, fg2);
      break;
    default:
      break;
  }
}

}  // namespace

void draw_burst(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float r0 = c.unit * r.range(0.3f, 0.42f);
  // Off-centre sometimes, but never so far that the mandala is cut by the frame.
  const float slack_x = std::max(0.0f, 0.5f * W - r0 * 1.1f),
              slack_y = std::max(0.0f, 0.5f * H - r0 * 1.1f);
  const bool centred = r.chance(0.6f);
  const float cx = 0.5f * W + (centred ? 0.0f : r.range(-slack_x, slack_x));
  const float cy = 0.5f * H + (centred ? 0.0f : r.range(-slack_y, slack_y));
  paint_sun_rays(c, p, r, cx, cy);
  draw_mandala(c, p, r, cx, cy, r0);
}

void draw_low_poly(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int cols = 7 + r.below(6);
  const float cell = W / static_cast<float>(cols);
  const int rows = static_cast<int>(std::ceil(H / cell));
  // A spare ring of points so triangles reach past the edges.
  const int gw = cols + 3, gh = rows + 3;
  const std::vector<mesh_point> pts = jittered_grid(r, gw, gh, cell);
  const colour_field field = random_colour_field(c, p, r);
  const std::vector<facet> facets = triangulate(c, field, r, pts, gw, gh, cell);
  // Pass 1 fills slightly grown triangles so no background shows through; pass 2 then blends
  // the exact anti-aliased edges between neighbouring facets only.
  for (const facet& f : facets) {
    fill_sdf(c, f.box, f.col, 1.0f, 1.0f, blend::normal,
             [&](float x, float y) { return f.sdf(x, y) - 1.0f; });
  }
  for (const facet& f : facets) fill_sdf(c, f.box, f.col, 1.0f, 1.0f, blend::normal, f.sdf);
  add_glow(c, W * r.unit(), H * r.unit(), c.unit * 0.8f, p.glow, 0.15f);
}

void draw_bauhaus(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const rgb paper = mix(p.sky_bottom, rgb{0.96f, 0.94f, 0.89f}, 0.7f);
  fill_rect(c, 0.0f, 0.0f, W, H, paper);
  const std::array<rgb, 6> inks{p.accent[0], p.accent[1], p.accent[2],
                                p.accent[3], p.sky_top,   paper};
  const float margin = c.unit * r.range(0.05f, 0.08f);
  const int cols = 3 + r.below(3);
  const float cell_w = (W - 2.0f * margin) / static_cast<float>(cols);
  const int rows = std::max(1, static_cast<int>(std::lround((H - 2.0f * margin) / cell_w)));
  const float cell_h = (H - 2.0f * margin) / static_cast<float>(rows);
  std::vector<std::size_t> above(static_cast<std::size_t>(cols), inks.size());
  ink_picker picker(r, inks);
  for (int j = 0; j < rows; ++j) {
    std::size_t left = inks.size();
    for (int i = 0; i < cols; ++i) {
      // Integer cell edges keep tiles flush with no seams between neighbours.
      const float x0 = std::round(margin + cell_w * static_cast<float>(i));
      const float x1 = std::round(margin + cell_w * static_cast<float>(i + 1));
      const float y0 = std::round(margin + cell_h * static_cast<float>(j));
      const float y1 = std::round(margin + cell_h * static_cast<float>(j + 1));
      const tile t{
          x0,
          y0,
          x1,
          y1,
          {static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1), static_cast<int>(y1)}};
      // Paper is no tile background: such tiles would merge with the margin. Neighbouring
      // backgrounds differ.
      const std::size_t bg = picker.pick(left, above[static_cast<std::size_t>(i)], inks.size() - 1);
      const std::size_t fg = picker.pick(bg, bg, inks.size());
      const std::size_t fg2 = picker.pick(fg, bg, inks.size());
      left = above[static_cast<std::size_t>(i)] = bg;
      fill_rect(c, x0, y0, x1, y1, inks[bg]);
      draw_tile_motif(c, r, t, inks[fg], inks[fg2]);
    }
  }
}

}  // namespace visionary::providers::demo
