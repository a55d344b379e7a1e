// Scalar helpers shared by the demo painter (turn constant, clamping, smoothstep).
// Thread-safe: pure inline functions without state.
#pragma once

#include <algorithm>

namespace visionary::providers::demo {

inline constexpr float tau = 6.28318531f;

inline float clamp01(float v) {
  return std::clamp(v, 0.0f, 1.0f);
}

inline float smoothstep(float e0, float e1, float x) {
  const float t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.0f - 2.0f * t);
}

}  // namespace visionary::providers::demo
