#include "providers/demo/height_field.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace visionary::providers::demo {

void curve::finalise() {
  const std::size_t n = y.size();
  for (std::size_t x = 0; x < n; ++x) {
    const float slope = 0.5f * (y[std::min(x + 1, n - 1)] - y[x == 0 ? 0 : x - 1]);
    norm[x] = 1.0f / std::sqrt(1.0f + slope * slope);
  }
}

float curve::top() const {
  return *std::min_element(y.begin(), y.end());
}

void fill_below(canvas& c, const curve& cv, const layer_style& st) {
  const float top = cv.top();
  const float shadow_inv = st.shadow_width > 0.0f ? 1.0f / st.shadow_width : 0.0f;
  const float rim_inv = 1.0f / std::max(st.rim_width, 1e-3f);
  const float grad_inv = 1.0f / std::max(1.0f, st.gradient_to - st.gradient_from);
  for (int y = to_pixel(std::floor(top - st.shadow_width - 2.0f), c.h); y < c.h; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    const float gt = clamp01((yc - st.gradient_from) * grad_inv);
    const rgb base = mix(st.top_colour, st.bottom_colour, gt * gt * (3.0f - 2.0f * gt));
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const auto xi = static_cast<std::size_t>(x);
      const float d = (cv.y[xi] - yc) * cv.norm[xi];  // > 0 above the curve
      if (st.shadow_alpha > 0.0f && d > -0.5f && d < st.shadow_width) {
        const float s = 1.0f - std::max(d, 0.0f) * shadow_inv;
        row[x] = row[x] * (1.0f - st.shadow_alpha * s * s);
      }
      if (d >= 0.5f) continue;
      const float a = std::min(1.0f, 0.5f - d);
      const rgb col = st.rim_alpha > 0.0f
                          ? mix(base, st.rim, st.rim_alpha * clamp01(1.0f + d * rim_inv))
                          : base;
      row[x] = mix(row[x], col, a);
    }
  }
}

}  // namespace visionary::providers::demo
