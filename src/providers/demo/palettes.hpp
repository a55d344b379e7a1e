// Palettes for the demo painter: the named theme palettes, palettes built from a hash or from
// colour words, and retinting a theme. Thread-safe: constants and pure functions.
#pragma once

#include <array>
#include <vector>

#include "providers/demo/colour.hpp"
#include "providers/demo/random.hpp"

namespace visionary::providers::demo {

struct palette {
  rgb sky_top, sky_bottom;    // background gradient
  std::array<rgb, 4> accent;  // 0 primary, 1 secondary, 2 deep/shadow, 3 highlight
  rgb glow;                   // sun, stars, lit windows

  bool operator==(const palette&) const = default;
};

// Theme palettes, one per family of lighting, season or place words.
inline constexpr palette sunset_palette{
    {0.17f, 0.13f, 0.38f},
    {1.00f, 0.60f, 0.38f},
    {{{0.93f, 0.42f, 0.42f}, {0.60f, 0.22f, 0.45f}, {0.16f, 0.07f, 0.20f}, {1.00f, 0.78f, 0.55f}}},
    {1.00f, 0.93f, 0.70f}};
inline constexpr palette dawn_palette{
    {0.45f, 0.55f, 0.80f},
    {1.00f, 0.80f, 0.65f},
    {{{0.95f, 0.60f, 0.55f}, {0.55f, 0.45f, 0.65f}, {0.22f, 0.20f, 0.35f}, {1.00f, 0.88f, 0.70f}}},
    {1.00f, 0.97f, 0.85f}};
inline constexpr palette night_palette{
    {0.02f, 0.03f, 0.09f},
    {0.10f, 0.14f, 0.32f},
    {{{0.25f, 0.30f, 0.55f}, {0.12f, 0.15f, 0.33f}, {0.03f, 0.04f, 0.10f}, {0.55f, 0.60f, 0.85f}}},
    {0.95f, 0.95f, 0.85f}};
inline constexpr palette space_palette{
    {0.01f, 0.01f, 0.03f},
    {0.06f, 0.03f, 0.12f},
    {{{0.75f, 0.25f, 0.65f}, {0.20f, 0.35f, 0.85f}, {0.02f, 0.02f, 0.06f}, {0.30f, 0.80f, 0.95f}}},
    {1.00f, 0.97f, 0.92f}};
inline constexpr palette fire_palette{
    {0.12f, 0.02f, 0.03f},
    {0.75f, 0.20f, 0.05f},
    {{{1.00f, 0.50f, 0.10f}, {0.85f, 0.18f, 0.06f}, {0.20f, 0.03f, 0.03f}, {1.00f, 0.82f, 0.35f}}},
    {1.00f, 0.95f, 0.70f}};
inline constexpr palette neon_palette{
    {0.04f, 0.01f, 0.12f},
    {0.35f, 0.05f, 0.40f},
    {{{1.00f, 0.20f, 0.60f}, {0.20f, 0.85f, 1.00f}, {0.05f, 0.02f, 0.12f}, {0.65f, 0.30f, 1.00f}}},
    {1.00f, 0.90f, 0.40f}};
inline constexpr palette storm_palette{
    {0.30f, 0.33f, 0.38f},
    {0.70f, 0.72f, 0.74f},
    {{{0.50f, 0.53f, 0.58f}, {0.35f, 0.38f, 0.43f}, {0.15f, 0.16f, 0.19f}, {0.82f, 0.84f, 0.86f}}},
    {0.95f, 0.95f, 0.92f}};
inline constexpr palette ice_palette{
    {0.55f, 0.75f, 0.92f},
    {0.92f, 0.97f, 1.00f},
    {{{0.55f, 0.80f, 0.92f}, {0.30f, 0.55f, 0.78f}, {0.10f, 0.22f, 0.40f}, {0.90f, 0.97f, 1.00f}}},
    {1.00f, 1.00f, 1.00f}};
inline constexpr palette snow_palette{
    {0.62f, 0.70f, 0.82f},
    {0.95f, 0.96f, 0.98f},
    {{{0.78f, 0.82f, 0.90f}, {0.50f, 0.57f, 0.70f}, {0.20f, 0.24f, 0.33f}, {0.97f, 0.98f, 1.00f}}},
    {1.00f, 0.98f, 0.92f}};
inline constexpr palette autumn_palette{
    {0.95f, 0.80f, 0.60f},
    {0.98f, 0.90f, 0.75f},
    {{{0.90f, 0.45f, 0.15f}, {0.70f, 0.25f, 0.10f}, {0.30f, 0.12f, 0.06f}, {0.98f, 0.72f, 0.25f}}},
    {1.00f, 0.92f, 0.70f}};
inline constexpr palette spring_palette{
    {0.70f, 0.86f, 0.95f},
    {0.99f, 0.94f, 0.93f},
    {{{0.97f, 0.65f, 0.75f}, {0.55f, 0.78f, 0.50f}, {0.25f, 0.42f, 0.30f}, {1.00f, 0.88f, 0.50f}}},
    {1.00f, 1.00f, 0.92f}};
inline constexpr palette summer_palette{
    {0.25f, 0.60f, 0.95f},
    {0.98f, 0.90f, 0.70f},
    {{{1.00f, 0.60f, 0.30f}, {0.10f, 0.70f, 0.70f}, {0.05f, 0.30f, 0.40f}, {1.00f, 0.90f, 0.40f}}},
    {1.00f, 1.00f, 0.90f}};
inline constexpr palette dream_palette{
    {0.65f, 0.60f, 0.92f},
    {1.00f, 0.85f, 0.90f},
    {{{0.60f, 0.80f, 0.97f}, {0.95f, 0.60f, 0.80f}, {0.40f, 0.30f, 0.60f}, {1.00f, 0.92f, 0.70f}}},
    {1.00f, 1.00f, 1.00f}};
inline constexpr palette desert_palette{
    {0.50f, 0.70f, 0.88f},
    {0.98f, 0.88f, 0.70f},
    {{{0.92f, 0.65f, 0.40f}, {0.80f, 0.48f, 0.28f}, {0.45f, 0.22f, 0.12f}, {1.00f, 0.85f, 0.60f}}},
    {1.00f, 0.97f, 0.85f}};
inline constexpr palette ocean_palette{
    {0.30f, 0.60f, 0.85f},
    {0.85f, 0.94f, 0.98f},
    {{{0.20f, 0.65f, 0.78f}, {0.05f, 0.42f, 0.60f}, {0.02f, 0.16f, 0.32f}, {0.75f, 0.95f, 0.97f}}},
    {1.00f, 0.98f, 0.90f}};
inline constexpr palette forest_palette{
    {0.55f, 0.70f, 0.65f},
    {0.90f, 0.93f, 0.82f},
    {{{0.45f, 0.60f, 0.45f}, {0.25f, 0.42f, 0.30f}, {0.06f, 0.16f, 0.10f}, {0.80f, 0.88f, 0.65f}}},
    {1.00f, 0.96f, 0.80f}};
inline constexpr palette city_palette{
    {0.12f, 0.14f, 0.30f},
    {0.90f, 0.60f, 0.50f},
    {{{0.35f, 0.35f, 0.50f}, {0.20f, 0.20f, 0.32f}, {0.07f, 0.07f, 0.12f}, {0.60f, 0.55f, 0.70f}}},
    {1.00f, 0.85f, 0.55f}};
inline constexpr palette mountain_palette{
    {0.35f, 0.52f, 0.80f},
    {0.93f, 0.88f, 0.82f},
    {{{0.55f, 0.60f, 0.75f}, {0.35f, 0.40f, 0.58f}, {0.13f, 0.15f, 0.25f}, {0.85f, 0.85f, 0.92f}}},
    {1.00f, 0.96f, 0.85f}};

// Night skies get stars and a moon; a sunset's dark zenith alone does not count.
bool is_dark(const palette& p);

// A harmonious palette from the hash alone: one base hue plus an HSL scheme of related hues.
palette hash_palette(rng& r);

// Palette when the prompt names colours but no theme: the first colour dominates the background,
// black/white decide how dark it is, and further colours become accents. Draws from r only when
// hues is empty.
palette colour_palette(const std::vector<rgb>& hues, bool black, bool white_word, rng& r);

// A theme palette moved towards the named colours (the first one leads), then darkened for
// "black" and lightened for "white".
palette themed_palette(palette theme, const std::vector<rgb>& hues, bool black, bool white_word);

}  // namespace visionary::providers::demo
