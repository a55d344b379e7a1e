// Horizon compositions for the demo painter: layered land (ridges, hills, pine treelines) and sea.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/prompt_analysis.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Layered ridges (or pine treelines) fading into valley mist under a sky with a sun or moon.
void draw_landscape(canvas& c, const palette& p, rng& r, terrain kind);

// Perspective rows of swell with foam rims, under a sun or moon with a glitter path on the water.
void draw_ocean(canvas& c, const palette& p, rng& r);

}  // namespace visionary::providers::demo
