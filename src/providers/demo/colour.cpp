#include "providers/demo/colour.hpp"

#include <algorithm>
#include <cmath>

namespace visionary::providers::demo {

rgb from_hsl(float h, float s, float l) {
  h -= std::floor(h);
  s = clamp01(s);
  l = clamp01(l);
  const float a = s * std::min(l, 1.0f - l);
  const auto channel = [&](float n) {
    const float k = std::fmod(n + h * 12.0f, 12.0f);
    return l - a * std::max(-1.0f, std::min({k - 3.0f, 9.0f - k, 1.0f}));
  };
  return {channel(0.0f), channel(8.0f), channel(4.0f)};
}

hsl to_hsl(rgb c) {
  const float hi = std::max({c.r, c.g, c.b});
  const float lo = std::min({c.r, c.g, c.b});
  const float l = 0.5f * (hi + lo);
  const float d = hi - lo;
  if (d < 1e-5f) return {0.0f, 0.0f, l};
  const float s = d / (1.0f - std::abs(2.0f * l - 1.0f));
  float h = 0.0f;
  if (hi == c.r) {
    h = std::fmod((c.g - c.b) / d + 6.0f, 6.0f);
  } else if (hi == c.g) {
    h = (c.b - c.r) / d + 2.0f;
  } else {
    h = (c.r - c.g) / d + 4.0f;
  }
  return {h / 6.0f, std::min(s, 1.0f), l};
}

rgb retint(rgb c, rgb target, float amount) {
  const hsl src = to_hsl(c);
  const hsl dst = to_hsl(target);
  if (dst.s < 0.1f) return mix(c, from_hsl(src.h, src.s * 0.15f, src.l), amount);
  const float l = src.l > 0.6f ? 0.6f + (src.l - 0.6f) * 0.6f : src.l;
  return mix(c, from_hsl(dst.h, std::max(src.s, dst.s * 0.85f), l), amount);
}

rgb vivid(rgb c, float min_saturation) {
  const hsl v = to_hsl(c);
  return v.s < 0.02f ? c : from_hsl(v.h, std::max(v.s, min_saturation), v.l);
}

}  // namespace visionary::providers::demo
