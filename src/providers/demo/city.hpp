// City composition for the demo painter: skyline layers with lit windows and neon signs.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Three skyline layers (hazy far towers to dark near blocks) with lit windows; neon signs at night.
void draw_city(canvas& c, const palette& p, rng& r);

}  // namespace visionary::providers::demo
