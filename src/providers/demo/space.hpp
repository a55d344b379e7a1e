// Space composition for the demo painter: nebula, Milky-Way band of stars and an optional planet.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Stars over a domain-warped fbm nebula with dust lanes along a galactic band; maybe a planet.
void draw_space(canvas& c, const palette& p, rng& r, bool planet);

// A lit sphere: soft terminator, gently warped cloud bands and a bright atmospheric rim.
void draw_planet(canvas& c, const palette& p, rng& r);

}  // namespace visionary::providers::demo
