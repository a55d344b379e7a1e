#include "providers/demo/noise.hpp"

#include <cmath>

#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

float value_noise(float x, float y, std::uint32_t seed) {
  const float fx = std::floor(x), fy = std::floor(y);
  const auto ix = static_cast<std::uint32_t>(static_cast<std::int32_t>(fx));
  const auto iy = static_cast<std::uint32_t>(static_cast<std::int32_t>(fy));
  const auto lattice = [seed](std::uint32_t a, std::uint32_t b) {
    return static_cast<float>(hash32(a * 0x8da6b343U ^ b * 0xd8163841U ^ seed) >> 8) * 0x1p-24f;
  };
  float tx = x - fx, ty = y - fy;
  tx = tx * tx * (3.0f - 2.0f * tx);
  ty = ty * ty * (3.0f - 2.0f * ty);
  const float top = lattice(ix, iy) + (lattice(ix + 1, iy) - lattice(ix, iy)) * tx;
  const float bottom = lattice(ix, iy + 1) + (lattice(ix + 1, iy + 1) - lattice(ix, iy + 1)) * tx;
  return top + (bottom - top) * ty;
}

float fbm(float x, float y, std::uint32_t seed) {
  float sum = 0.0f, amp = 0.5f;
  for (int i = 0; i < 5; ++i) {
    sum += amp * value_noise(x, y, seed + static_cast<std::uint32_t>(i) * 0x9e3779b9U);
    x = x * 2.03f + 17.1f;
    y = y * 2.03f + 9.7f;
    amp *= 0.5f;
  }
  return sum / 0.96875f;
}

}  // namespace visionary::providers::demo
