// Geometric compositions for the demo painter: mandala burst, low-poly facets and Bauhaus tiles.
// Thread-safe: functions only touch the canvas and rng they are given.
#pragma once

#include "providers/demo/canvas.hpp"
#include "providers/demo/palettes.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

// Radial glow with soft sun rays behind a mandala of pointed petals, beads and rings.
void draw_burst(canvas& c, const palette& p, rng& r);

// Jittered grid cut into triangles, coloured by a gradient plus soft blobs, lit by a fake light.
void draw_low_poly(canvas& c, const palette& p, rng& r);

// Poster grid of Bauhaus tiles (discs, half and quarter discs, triangles, rings, stripes, leaves).
void draw_bauhaus(canvas& c, const palette& p, rng& r);

}  // namespace visionary::providers::demo
