// Sky pieces shared by the outdoor compositions: gradient, star field, sun or moon.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/colour.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Palette sky gradient, reaching sky_bottom at the horizon.
void draw_sky(canvas& c, const palette& p, float horizon);

// Random stars above y_limit, fading towards it; per_megapixel sets the density.
void draw_stars(canvas& c, rng& r, float per_megapixel, float y_limit, rgb tint);

// Glowing sun disc, or a dimmer moon with faint craters.
void draw_sun(canvas& c, const palette& p, rng& r, float x, float y, float radius, bool moon);

}  // namespace visionary::providers::demo
