// Smooth value noise for the demo painter's nebulae. Thread-safe: pure functions of their inputs.
#pragma once

#include <cstdint>

namespace visionary::providers::demo {

// Smooth 2-D value noise on a hashed integer lattice, in [0, 1).
float value_noise(float x, float y, std::uint32_t seed);

// Five octaves of value_noise, normalised to [0, 1).
float fbm(float x, float y, std::uint32_t seed);

}  // namespace visionary::providers::demo
