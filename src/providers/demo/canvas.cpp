#include "providers/demo/canvas.hpp"

#include <cmath>

namespace visionary::providers::demo {

pixel_box bounds(const canvas& c, float x0, float y0, float x1, float y1) {
  return {to_pixel(std::floor(x0) - 2.0f, c.w), to_pixel(std::floor(y0) - 2.0f, c.h),
          to_pixel(std::ceil(x1) + 2.0f, c.w), to_pixel(std::ceil(y1) + 2.0f, c.h)};
}

void fill_disc(canvas& c, float cx, float cy, float radius, rgb col, float alpha, float feather,
               blend mode) {
  const float reach = radius + feather;
  fill_sdf(c, bounds(c, cx - reach, cy - reach, cx + reach, cy + reach), col, alpha, feather, mode,
           [=](float x, float y) {
             return std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - radius;
           });
}

void stroke_circle(canvas& c, float cx, float cy, float radius, float width, rgb col, float alpha) {
  const float reach = radius + width + 1.0f;
  fill_sdf(c, bounds(c, cx - reach, cy - reach, cx + reach, cy + reach), col, alpha, 1.0f,
           blend::normal, [=](float x, float y) {
             return std::abs(std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - radius) -
                    0.5f * width;
           });
}

void fill_rect(canvas& c, float x0, float y0, float x1, float y1, rgb col, float alpha) {
  const pixel_box b = bounds(c, x0, y0, x1, y1);
  for (int y = b.y0; y < b.y1; ++y) {
    const float fy = static_cast<float>(y);
    const float oy = clamp01(std::min(fy + 1.0f, y1) - std::max(fy, y0));
    if (oy <= 0.0f) continue;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float fx = static_cast<float>(x);
      const float ox = clamp01(std::min(fx + 1.0f, x1) - std::max(fx, x0));
      if (ox > 0.0f) row[x] = mix(row[x], col, ox * oy * alpha);
    }
  }
}

void add_glow(canvas& c, float cx, float cy, float radius, rgb col, float strength) {
  const pixel_box b = bounds(c, cx - radius, cy - radius, cx + radius, cy + radius);
  const float inv_r2 = 1.0f / (radius * radius);
  for (int y = b.y0; y < b.y1; ++y) {
    const float dy = static_cast<float>(y) + 0.5f - cy;
    const float dy2 = dy * dy * inv_r2;
    if (dy2 >= 1.0f) continue;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - cx;
      const float q = 1.0f - (dx * dx * inv_r2 + dy2);
      if (q > 0.0f) blend_onto(row[x], col, q * q * q * strength, blend::screen);
    }
  }
}

triangle_sdf::triangle_sdf(float ax, float ay, float bx, float by, float cx, float cy) {
  const std::array<float, 6> v{ax, ay, bx, by, cx, cy};
  for (std::size_t i = 0; i < 3; ++i) {
    const float px = v[2 * i], py = v[2 * i + 1];
    const float qx = v[(2 * i + 2) % 6], qy = v[(2 * i + 3) % 6];
    const float len = std::max(std::sqrt((qx - px) * (qx - px) + (qy - py) * (qy - py)), 1e-6f);
    nx_[i] = (qy - py) / len;
    ny_[i] = (px - qx) / len;
    d_[i] = nx_[i] * px + ny_[i] * py;
  }
  // Winding is arbitrary: flip so the centroid is inside.
  if ((*this)((ax + bx + cx) / 3.0f, (ay + by + cy) / 3.0f) > 0.0f) {
    for (std::size_t i = 0; i < 3; ++i) {
      nx_[i] = -nx_[i];
      ny_[i] = -ny_[i];
      d_[i] = -d_[i];
    }
  }
}

void fill_lens(canvas& c, float mx, float my, float ux, float uy, float half_len, float half_w,
               rgb col, float alpha) {
  const float rc = (half_len * half_len + half_w * half_w) / (2.0f * half_w);
  const float off = rc - half_w;
  const float c1x = mx - uy * off, c1y = my + ux * off;
  const float c2x = mx + uy * off, c2y = my - ux * off;
  const float reach = std::max(half_len, half_w) + 1.0f;
  fill_sdf(c, bounds(c, mx - reach, my - reach, mx + reach, my + reach), col, alpha, 1.0f,
           blend::normal, [=](float x, float y) {
             const float d1 = (x - c1x) * (x - c1x) + (y - c1y) * (y - c1y);
             const float d2 = (x - c2x) * (x - c2x) + (y - c2y) * (y - c2y);
             return std::sqrt(std::max(d1, d2)) - rc;
           });
}

void fill_vertical_gradient(canvas& c, rgb top, rgb bottom, float reach_y, float power) {
  for (int y = 0; y < c.h; ++y) {
    const float t = std::pow(clamp01((static_cast<float>(y) + 0.5f) / reach_y), power);
    const rgb col = mix(top, bottom, t);
    std::fill_n(c.row(y), c.w, col);
  }
}

void fill_linear_gradient(canvas& c, rgb a, rgb b, float angle) {
  const float dx = std::cos(angle), dy = std::sin(angle);
  const float half_extent =
      0.5f * (std::abs(dx) * static_cast<float>(c.w) + std::abs(dy) * static_cast<float>(c.h));
  const float inv = 0.5f / half_extent;
  for (int y = 0; y < c.h; ++y) {
    const float row_term = (static_cast<float>(y) + 0.5f - 0.5f * static_cast<float>(c.h)) * dy;
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const float along =
          (static_cast<float>(x) + 0.5f - 0.5f * static_cast<float>(c.w)) * dx + row_term;
      const float t = clamp01(0.5f + along * inv);
      row[x] = mix(a, b, t * t * (3.0f - 2.0f * t));
    }
  }
}

void haze(canvas& c, float y0, float y1, rgb col, float max_alpha) {
  for (int y = to_pixel(y0, c.h); y < c.h; ++y) {
    const float a = max_alpha * smoothstep(y0, y1, static_cast<float>(y) + 0.5f);
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) row[x] = mix(row[x], col, a);
  }
}

}  // namespace visionary::providers::demo
