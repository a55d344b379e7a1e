// Soft abstract compositions for the demo painter: bokeh lights and paper-cut flowing bands.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Soft translucent circles in three depths of focus, strewn along a gentle curve.
void draw_bokeh(canvas& c, const palette& p, rng& r);

// Paper-cut layers of flowing sine curves, each casting a soft shadow on the one behind.
void draw_bands(canvas& c, const palette& p, rng& r);

}  // namespace visionary::providers::demo
