#include "providers/demo_art.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <string>

namespace visionary::providers {
namespace {

constexpr float tau = 6.28318531f;

// ---------------------------------------------------------------------------------------------
// Colour and math helpers
// ---------------------------------------------------------------------------------------------

struct rgb {
  float r, g, b;
};

constexpr rgb operator+(rgb a, rgb b) {
  return {a.r + b.r, a.g + b.g, a.b + b.b};
}
constexpr rgb operator-(rgb a, rgb b) {
  return {a.r - b.r, a.g - b.g, a.b - b.b};
}
constexpr rgb operator*(rgb a, float s) {
  return {a.r * s, a.g * s, a.b * s};
}
constexpr rgb mix(rgb a, rgb b, float t) {
  return a + (b - a) * t;
}
constexpr rgb white{1.0f, 1.0f, 1.0f};

float clamp01(float v) {
  return std::clamp(v, 0.0f, 1.0f);
}

rgb clamp01(rgb c) {
  return {clamp01(c.r), clamp01(c.g), clamp01(c.b)};
}

float smoothstep(float e0, float e1, float x) {
  const float t = clamp01((x - e0) / (e1 - e0));
  return t * t * (3.0f - 2.0f * t);
}

float luminance(rgb c) {
  return 0.2126f * c.r + 0.7152f * c.g + 0.0722f * c.b;
}

// Hue in turns: palette schemes are then plain hue offsets (1/2 = complementary, 1/3 = triadic).
rgb from_hsl(float h, float s, float l) {
  h -= std::floor(h);
  s = clamp01(s);
  l = clamp01(l);
  const float a = s * std::min(l, 1.0f - l);
  const auto channel = [&](float n) {
    const float k = std::fmod(n + h * 12.0f, 12.0f);
    return l - a * std::max(-1.0f, std::min({k - 3.0f, 9.0f - k, 1.0f}));
  };
  return {channel(0.0f), channel(8.0f), channel(4.0f)};
}

struct hsl {
  float h, s, l;
};

hsl to_hsl(rgb c) {
  const float hi = std::max({c.r, c.g, c.b});
  const float lo = std::min({c.r, c.g, c.b});
  const float l = 0.5f * (hi + lo);
  const float d = hi - lo;
  if (d < 1e-5f) return {0.0f, 0.0f, l};
  const float s = d / (1.0f - std::abs(2.0f * l - 1.0f));
  float h = 0.0f;
  if (hi == c.r) {
    h = std::fmod((c.g - c.b) / d + 6.0f, 6.0f);
  } else if (hi == c.g) {
    h = (c.b - c.r) / d + 2.0f;
  } else {
    h = (c.r - c.g) / d + 4.0f;
  }
  return {h / 6.0f, std::min(s, 1.0f), l};
}

// Moves c towards target's hue while keeping c's lightness, so a themed palette keeps its
// light/dark structure (a night stays dark) but takes the colour the prompt asked for. Near-white
// is pulled down a little, since it cannot show a hue.
rgb retint(rgb c, rgb target, float amount) {
  const hsl src = to_hsl(c);
  const hsl dst = to_hsl(target);
  if (dst.s < 0.1f) return mix(c, from_hsl(src.h, src.s * 0.15f, src.l), amount);
  const float l = src.l > 0.6f ? 0.6f + (src.l - 0.6f) * 0.6f : src.l;
  return mix(c, from_hsl(dst.h, std::max(src.s, dst.s * 0.85f), l), amount);
}

// Pushes saturation up (keeping hue and lightness) for elements that must read as coloured light.
rgb vivid(rgb c, float min_saturation) {
  const hsl v = to_hsl(c);
  return v.s < 0.02f ? c : from_hsl(v.h, std::max(v.s, min_saturation), v.l);
}

// FNV-1a: tiny and, unlike std::hash, the same on every platform and standard library.
std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char ch : s) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ull;
  }
  return h;
}

// splitmix64 finaliser: full avalanche, so one changed character reshuffles every decision.
std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// 32-bit integer hash for per-pixel grain and noise lattices (cheaper than the 64-bit rng).
std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ull;
    return mix64(state_);
  }
  float unit() { return static_cast<float>(next() >> 40) * 0x1p-24f; }  // [0, 1)
  float range(float lo, float hi) { return lo + (hi - lo) * unit(); }
  int below(int n) { return static_cast<int>(next() % static_cast<std::uint64_t>(n)); }
  bool chance(float p) { return unit() < p; }

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// Prompt analysis: seed, palette and composition
// ---------------------------------------------------------------------------------------------

struct palette {
  rgb sky_top, sky_bottom;    // background gradient
  std::array<rgb, 4> accent;  // 0 primary, 1 secondary, 2 deep/shadow, 3 highlight
  rgb glow;                   // sun, stars, lit windows
};

constexpr palette sunset_palette{
    {0.17f, 0.13f, 0.38f},
    {1.00f, 0.60f, 0.38f},
    {{{0.93f, 0.42f, 0.42f}, {0.60f, 0.22f, 0.45f}, {0.16f, 0.07f, 0.20f}, {1.00f, 0.78f, 0.55f}}},
    {1.00f, 0.93f, 0.70f}};
constexpr palette dawn_palette{
    {0.45f, 0.55f, 0.80f},
    {1.00f, 0.80f, 0.65f},
    {{{0.95f, 0.60f, 0.55f}, {0.55f, 0.45f, 0.65f}, {0.22f, 0.20f, 0.35f}, {1.00f, 0.88f, 0.70f}}},
    {1.00f, 0.97f, 0.85f}};
constexpr palette night_palette{
    {0.02f, 0.03f, 0.09f},
    {0.10f, 0.14f, 0.32f},
    {{{0.25f, 0.30f, 0.55f}, {0.12f, 0.15f, 0.33f}, {0.03f, 0.04f, 0.10f}, {0.55f, 0.60f, 0.85f}}},
    {0.95f, 0.95f, 0.85f}};
constexpr palette space_palette{
    {0.01f, 0.01f, 0.03f},
    {0.06f, 0.03f, 0.12f},
    {{{0.75f, 0.25f, 0.65f}, {0.20f, 0.35f, 0.85f}, {0.02f, 0.02f, 0.06f}, {0.30f, 0.80f, 0.95f}}},
    {1.00f, 0.97f, 0.92f}};
constexpr palette fire_palette{
    {0.12f, 0.02f, 0.03f},
    {0.75f, 0.20f, 0.05f},
    {{{1.00f, 0.50f, 0.10f}, {0.85f, 0.18f, 0.06f}, {0.20f, 0.03f, 0.03f}, {1.00f, 0.82f, 0.35f}}},
    {1.00f, 0.95f, 0.70f}};
constexpr palette neon_palette{
    {0.04f, 0.01f, 0.12f},
    {0.35f, 0.05f, 0.40f},
    {{{1.00f, 0.20f, 0.60f}, {0.20f, 0.85f, 1.00f}, {0.05f, 0.02f, 0.12f}, {0.65f, 0.30f, 1.00f}}},
    {1.00f, 0.90f, 0.40f}};
constexpr palette storm_palette{
    {0.30f, 0.33f, 0.38f},
    {0.70f, 0.72f, 0.74f},
    {{{0.50f, 0.53f, 0.58f}, {0.35f, 0.38f, 0.43f}, {0.15f, 0.16f, 0.19f}, {0.82f, 0.84f, 0.86f}}},
    {0.95f, 0.95f, 0.92f}};
constexpr palette ice_palette{
    {0.55f, 0.75f, 0.92f},
    {0.92f, 0.97f, 1.00f},
    {{{0.55f, 0.80f, 0.92f}, {0.30f, 0.55f, 0.78f}, {0.10f, 0.22f, 0.40f}, {0.90f, 0.97f, 1.00f}}},
    {1.00f, 1.00f, 1.00f}};
constexpr palette snow_palette{
    {0.62f, 0.70f, 0.82f},
    {0.95f, 0.96f, 0.98f},
    {{{0.78f, 0.82f, 0.90f}, {0.50f, 0.57f, 0.70f}, {0.20f, 0.24f, 0.33f}, {0.97f, 0.98f, 1.00f}}},
    {1.00f, 0.98f, 0.92f}};
constexpr palette autumn_palette{
    {0.95f, 0.80f, 0.60f},
    {0.98f, 0.90f, 0.75f},
    {{{0.90f, 0.45f, 0.15f}, {0.70f, 0.25f, 0.10f}, {0.30f, 0.12f, 0.06f}, {0.98f, 0.72f, 0.25f}}},
    {1.00f, 0.92f, 0.70f}};
constexpr palette spring_palette{
    {0.70f, 0.86f, 0.95f},
    {0.99f, 0.94f, 0.93f},
    {{{0.97f, 0.65f, 0.75f}, {0.55f, 0.78f, 0.50f}, {0.25f, 0.42f, 0.30f}, {1.00f, 0.88f, 0.50f}}},
    {1.00f, 1.00f, 0.92f}};
constexpr palette summer_palette{
    {0.25f, 0.60f, 0.95f},
    {0.98f, 0.90f, 0.70f},
    {{{1.00f, 0.60f, 0.30f}, {0.10f, 0.70f, 0.70f}, {0.05f, 0.30f, 0.40f}, {1.00f, 0.90f, 0.40f}}},
    {1.00f, 1.00f, 0.90f}};
constexpr palette dream_palette{
    {0.65f, 0.60f, 0.92f},
    {1.00f, 0.85f, 0.90f},
    {{{0.60f, 0.80f, 0.97f}, {0.95f, 0.60f, 0.80f}, {0.40f, 0.30f, 0.60f}, {1.00f, 0.92f, 0.70f}}},
    {1.00f, 1.00f, 1.00f}};
constexpr palette desert_palette{
    {0.50f, 0.70f, 0.88f},
    {0.98f, 0.88f, 0.70f},
    {{{0.92f, 0.65f, 0.40f}, {0.80f, 0.48f, 0.28f}, {0.45f, 0.22f, 0.12f}, {1.00f, 0.85f, 0.60f}}},
    {1.00f, 0.97f, 0.85f}};
constexpr palette ocean_palette{
    {0.30f, 0.60f, 0.85f},
    {0.85f, 0.94f, 0.98f},
    {{{0.20f, 0.65f, 0.78f}, {0.05f, 0.42f, 0.60f}, {0.02f, 0.16f, 0.32f}, {0.75f, 0.95f, 0.97f}}},
    {1.00f, 0.98f, 0.90f}};
constexpr palette forest_palette{
    {0.55f, 0.70f, 0.65f},
    {0.90f, 0.93f, 0.82f},
    {{{0.45f, 0.60f, 0.45f}, {0.25f, 0.42f, 0.30f}, {0.06f, 0.16f, 0.10f}, {0.80f, 0.88f, 0.65f}}},
    {1.00f, 0.96f, 0.80f}};
constexpr palette city_palette{
    {0.12f, 0.14f, 0.30f},
    {0.90f, 0.60f, 0.50f},
    {{{0.35f, 0.35f, 0.50f}, {0.20f, 0.20f, 0.32f}, {0.07f, 0.07f, 0.12f}, {0.60f, 0.55f, 0.70f}}},
    {1.00f, 0.85f, 0.55f}};
constexpr palette mountain_palette{
    {0.35f, 0.52f, 0.80f},
    {0.93f, 0.88f, 0.82f},
    {{{0.55f, 0.60f, 0.75f}, {0.35f, 0.40f, 0.58f}, {0.13f, 0.15f, 0.25f}, {0.85f, 0.85f, 0.92f}}},
    {1.00f, 0.96f, 0.85f}};

// Word lists are space-separated synonyms, matched against whole words of the prompt.
bool listed(std::string_view list, std::string_view word) {
  while (!list.empty()) {
    const std::size_t end = std::min(list.find(' '), list.size());
    if (list.substr(0, end) == word) return true;
    list.remove_prefix(std::min(end + 1, list.size()));
  }
  return false;
}

// Lighting words (night, sunset...) outrank seasons, which outrank places, so "forest at night"
// is dark.
struct theme_group {
  const palette* pal;
  int priority;
  std::string_view words;
};

constexpr theme_group themes[] = {
    {&sunset_palette, 2, "sunset dusk twilight evening"},
    {&dawn_palette, 2, "sunrise dawn"},
    {&dawn_palette, 1, "morning"},
    {&night_palette, 2, "night midnight moon moonlight moonlit starry aurora"},
    {&night_palette, 1, "stars"},
    {&space_palette, 2, "space galaxy nebula cosmos cosmic universe"},
    {&space_palette, 1, "planet"},
    {&fire_palette, 2, "fire flame flames lava volcano inferno"},
    {&neon_palette, 2, "neon cyberpunk synthwave vaporwave retrowave"},
    {&storm_palette, 2, "storm stormy"},
    {&storm_palette, 1, "rain rainy fog foggy mist misty cloudy"},
    {&ice_palette, 1, "ice icy frozen glacier arctic"},
    {&snow_palette, 1, "snow snowy winter"},
    {&autumn_palette, 1, "autumn fall leaves"},
    {&spring_palette, 1, "spring blossom blossoms cherry"},
    {&summer_palette, 1, "summer tropical beach"},
    {&dream_palette, 1, "dream dreamy pastel fantasy magic magical fairy unicorn"},
    {&desert_palette, 1, "desert dune dunes sand sahara"},
    {&ocean_palette, 0, "ocean sea wave waves lake water underwater"},
    {&forest_palette, 0, "forest woods jungle trees tree pine nature"},
    {&city_palette, 0, "city skyline town street metropolis downtown buildings"},
    {&mountain_palette, 0, "mountain mountains landscape peak peaks alps hills valley"},
};

struct colour_group {
  rgb colour;
  std::string_view words;
};

constexpr colour_group colours[] = {
    {{0.85f, 0.12f, 0.15f}, "red"},         {{0.75f, 0.05f, 0.20f}, "crimson"},
    {{0.90f, 0.15f, 0.10f}, "scarlet"},     {{0.15f, 0.35f, 0.85f}, "blue"},
    {{0.05f, 0.10f, 0.40f}, "navy"},        {{0.20f, 0.55f, 0.95f}, "azure"},
    {{0.20f, 0.65f, 0.30f}, "green"},       {{0.05f, 0.60f, 0.40f}, "emerald"},
    {{0.95f, 0.72f, 0.20f}, "gold golden"}, {{0.98f, 0.85f, 0.20f}, "yellow"},
    {{1.00f, 0.65f, 0.10f}, "amber"},       {{0.98f, 0.50f, 0.10f}, "orange"},
    {{0.50f, 0.20f, 0.70f}, "purple"},      {{0.55f, 0.30f, 0.85f}, "violet"},
    {{0.25f, 0.15f, 0.55f}, "indigo"},      {{0.70f, 0.60f, 0.90f}, "lavender"},
    {{0.95f, 0.45f, 0.65f}, "pink"},        {{0.85f, 0.10f, 0.65f}, "magenta"},
    {{0.00f, 0.50f, 0.50f}, "teal"},        {{0.20f, 0.80f, 0.75f}, "turquoise"},
    {{0.10f, 0.80f, 0.90f}, "cyan"},        {{0.45f, 0.28f, 0.15f}, "brown"},
    {{0.50f, 0.50f, 0.52f}, "grey gray"},   {{0.75f, 0.76f, 0.80f}, "silver"},
};

enum class composition {
  landscape,
  forest,
  ocean,
  space,
  city,
  bokeh,
  bands,
  burst,
  low_poly,
  bauhaus
};
constexpr std::array abstract_compositions{composition::bokeh, composition::bands,
                                           composition::burst, composition::low_poly,
                                           composition::bauhaus};

// Higher priority wins: a named place beats an abstract hint, which beats a mere time of day.
// Priority 0 (sunset...) only asks for a horizon: land or sea is left to the hash.
struct scene_group {
  composition comp;
  int priority;
  std::string_view words;
};

constexpr scene_group scenes[] = {
    {composition::city, 7, "city skyline town street metropolis downtown buildings cyberpunk"},
    {composition::ocean, 6, "ocean sea wave waves beach lake coast surf"},
    {composition::forest, 5, "forest woods jungle trees tree pine"},
    {composition::landscape, 4,
     "mountain mountains landscape peak peaks alps hills hill valley canyon desert dune dunes "
     "meadow"},
    {composition::space, 3, "space galaxy nebula cosmos universe planet"},
    {composition::bokeh, 2, "bokeh lights glitter sparkle fireflies lanterns bubbles festive"},
    {composition::bands, 2, "flow flowing silk ribbon ribbons aurora paper layers"},
    {composition::burst, 2,
     "mandala flower flowers rose lotus sunflower kaleidoscope burst bloom sun"},
    {composition::low_poly, 2,
     "poly lowpoly polygon polygons crystal crystals facets gem diamond origami"},
    {composition::bauhaus, 2,
     "bauhaus shapes geometric geometry minimal minimalist modern tiles pattern poster"},
    {composition::space, 1, "night stars starry moon"},
    {composition::landscape, 0, "sunset sunrise dusk dawn"},
};

enum class terrain { mountains, hills, forest };

constexpr std::string_view smooth_terrain_words =
    "desert dune dunes sand hills hill valley meadow field fields countryside";
constexpr std::string_view jagged_terrain_words =
    "mountain mountains peak peaks alps canyon rocky cliffs";
constexpr std::string_view planet_words = "planet moon saturn jupiter mars world";

struct traits {
  std::uint64_t seed = 0;
  palette pal{};
  composition comp = composition::bokeh;
  terrain land = terrain::mountains;
  bool planet = false;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// Trim, ASCII-lowercase and collapse whitespace runs so formatting never changes the picture.
std::string normalise(std::string_view prompt) {
  std::string out;
  out.reserve(prompt.size());
  bool pending_space = false;
  for (const char c : prompt) {
    if (is_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

// Bytes >= 0x80 count as letters so UTF-8 words stay whole (they match nothing, but do no harm).
bool is_word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80;
}

// A harmonious palette from the hash alone: one base hue plus an HSL scheme of related hues.
palette hash_palette(rng& r) {
  constexpr std::array<std::array<float, 3>, 4> schemes{{
      {1.0f / 12, -1.0f / 12, 1.0f / 6},    // analogous
      {0.5f, 1.0f / 24, 0.5f + 1.0f / 24},  // complementary
      {1.0f / 3, 2.0f / 3, 1.0f / 24},      // triadic
      {5.0f / 12, 7.0f / 12, 1.0f / 18},    // split complementary
  }};
  const float h0 = r.unit();
  const auto& sc = schemes[static_cast<std::size_t>(r.below(4))];
  const float h1 = h0 + sc[0];
  const float h2 = h0 + sc[1];
  const float h3 = h0 + sc[2];
  const float s = r.range(0.45f, 0.75f);
  if (r.chance(0.55f)) {
    return {from_hsl(h0, s * 0.7f, 0.09f),
            from_hsl(h0 + 0.04f, s * 0.8f, 0.27f),
            {from_hsl(h1, s + 0.1f, 0.6f), from_hsl(h2, s, 0.48f), from_hsl(h0, s * 0.7f, 0.16f),
             from_hsl(h3, s + 0.15f, 0.74f)},
            from_hsl(h1, 0.9f, 0.88f)};
  }
  return {from_hsl(h0, s * 0.6f, 0.74f),
          from_hsl(h0 + 0.04f, s * 0.7f, 0.9f),
          {from_hsl(h1, s, 0.56f), from_hsl(h2, s, 0.42f), from_hsl(h0, s * 0.8f, 0.24f),
           from_hsl(h3, s + 0.1f, 0.7f)},
          from_hsl(h1, 0.9f, 0.93f)};
}

// Palette when the prompt names colours but no theme: the first colour dominates the background,
// black/white decide how dark it is, and further colours become accents.
palette colour_palette(const std::vector<rgb>& hues, bool black, bool white_word, rng& r) {
  const hsl base = hues.empty() ? hsl{r.unit(), 0.0f, 0.5f} : to_hsl(hues[0]);
  const auto accent_hue = [&](std::size_t i, float fallback_shift) {
    return hues.size() > i ? to_hsl(hues[i]) : hsl{base.h + fallback_shift, base.s, base.l};
  };
  const hsl a1 = accent_hue(1, 0.05f);
  const hsl a2 = accent_hue(2, -0.04f);
  const hsl a3 = accent_hue(3, 0.09f);
  const float s = base.s;
  palette p{};
  if (black) {
    p.sky_top = from_hsl(base.h, s * 0.5f, 0.04f);
    p.sky_bottom = from_hsl(base.h, s * 0.6f, 0.15f);
  } else if (white_word) {
    p.sky_top = from_hsl(base.h, s * 0.4f, 0.8f);
    p.sky_bottom = from_hsl(base.h, s * 0.3f, 0.95f);
  } else {
    p.sky_top = from_hsl(base.h, s, 0.22f);
    p.sky_bottom = from_hsl(base.h + 0.03f, s, 0.55f);
  }
  p.accent = {from_hsl(base.h, s, 0.6f), from_hsl(a1.h, a1.s, 0.45f),
              from_hsl(a2.h, a2.s * 0.8f, 0.14f), from_hsl(a3.h, a3.s, 0.75f)};
  p.glow = from_hsl(base.h + 0.06f, std::min(s, 0.7f), 0.9f);
  return p;
}

traits analyse(const std::string& text) {
  traits t;
  // A fixed seed for the empty prompt; otherwise every character (hence every word) matters.
  t.seed = mix64(fnv1a(text) ^ 0x5eedda7aull);
  rng r(t.seed);

  const palette* theme = nullptr;
  int theme_priority = -1;
  int scene_priority = -1;
  std::vector<const colour_group*> named;  // distinct colours in prompt order, at most 4
  bool black = false;
  bool white_word = false;
  int smooth_votes = 0;
  int jagged_votes = 0;

  for (std::size_t i = 0; i < text.size();) {
    if (!is_word_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_word_char(text[j])) ++j;
    const std::string_view word(text.data() + i, j - i);
    i = j;

    for (const auto& g : themes) {
      if (g.priority > theme_priority && listed(g.words, word)) {
        theme = g.pal;
        theme_priority = g.priority;
      }
    }
    for (const auto& g : scenes) {
      if (g.priority > scene_priority && listed(g.words, word)) {
        t.comp = g.comp;
        scene_priority = g.priority;
      }
    }
    for (const auto& g : colours) {
      if (named.size() < 4 && listed(g.words, word) &&
          std::find(named.begin(), named.end(), &g) == named.end()) {
        named.push_back(&g);
      }
    }
    // Black and white set how light the picture is rather than a hue.
    black = black || word == "black" || word == "dark";
    white_word = white_word || word == "white";
    smooth_votes += listed(smooth_terrain_words, word) ? 1 : 0;
    jagged_votes += listed(jagged_terrain_words, word) ? 1 : 0;
    t.planet = t.planet || listed(planet_words, word);
  }

  std::vector<rgb> hues;
  for (const colour_group* g : named) hues.push_back(g->colour);
  if (theme == nullptr) {
    t.pal = (hues.empty() && !black && !white_word) ? hash_palette(r)
                                                    : colour_palette(hues, black, white_word, r);
  } else {
    t.pal = *theme;
    if (!hues.empty()) {
      t.pal.sky_top = retint(t.pal.sky_top, hues[0], 0.65f);
      t.pal.sky_bottom = retint(t.pal.sky_bottom, hues[0], 0.65f);
      for (std::size_t k = 0; k < t.pal.accent.size(); ++k) {
        // With a single colour, the secondary accent keeps some of the theme for variety.
        const float amount = hues.size() == 1 && k == 1 ? 0.45f : 0.9f;
        t.pal.accent[k] = retint(t.pal.accent[k], hues[k % hues.size()], amount);
      }
      t.pal.glow = retint(t.pal.glow, hues[0], 0.3f);
    }
    if (black) {
      t.pal.sky_top = t.pal.sky_top * 0.45f;
      t.pal.sky_bottom = t.pal.sky_bottom * 0.45f;
    }
    if (white_word) {
      t.pal.sky_top = mix(t.pal.sky_top, white, 0.45f);
      t.pal.sky_bottom = mix(t.pal.sky_bottom, white, 0.45f);
    }
  }

  if (scene_priority < 0) {
    t.comp = abstract_compositions[static_cast<std::size_t>(
        r.below(static_cast<int>(abstract_compositions.size())))];
  } else if (scene_priority == 0) {
    t.comp = r.chance(0.5f) ? composition::ocean : composition::landscape;
  }
  if (t.comp == composition::forest) {
    t.land = terrain::forest;
  } else if (smooth_votes != jagged_votes) {
    t.land = smooth_votes > jagged_votes ? terrain::hills : terrain::mountains;
  } else {
    t.land = r.chance(0.6f) ? terrain::mountains : terrain::hills;
  }
  t.planet = t.planet || r.chance(0.4f);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Canvas and anti-aliased primitives
// ---------------------------------------------------------------------------------------------

struct canvas {
  canvas(int w_, int h_)
      : w(w_),
        h(h_),
        unit(static_cast<float>(std::min(w_, h_))),
        scale(unit / 1024.0f),
        px(std::max(1.0f, scale)),
        pixels(static_cast<std::size_t>(w_) * static_cast<std::size_t>(h_)) {}

  rgb* row(int y) {
    return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
  }
  const rgb* row(int y) const {
    return pixels.data() + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
  }

  int w, h;
  float unit;   // shorter side: layout is in fractions of it so every size looks alike
  float scale;  // unit / 1024, for small features (glows, spikes) sized in 1024-canvas pixels
  float px;     // the same but never below one real pixel, for hairlines that must stay visible
  std::vector<rgb> pixels;
};

// Night skies get stars and a moon; a sunset's dark zenith alone does not count.
bool is_dark(const palette& p) {
  return luminance(p.sky_top) < 0.2f && luminance(p.sky_bottom) < 0.3f;
}

struct pixel_box {
  int x0, y0, x1, y1;  // half-open
};

int to_pixel(float v, int hi) {
  return static_cast<int>(std::clamp(v, 0.0f, static_cast<float>(hi)));
}

// Pixel range touched by a shape spanning [x0, x1] x [y0, y1], with slack for the AA ramp.
pixel_box bounds(const canvas& c, float x0, float y0, float x1, float y1) {
  return {to_pixel(std::floor(x0) - 2.0f, c.w), to_pixel(std::floor(y0) - 2.0f, c.h),
          to_pixel(std::ceil(x1) + 2.0f, c.w), to_pixel(std::ceil(y1) + 2.0f, c.h)};
}

enum class blend { normal, screen };

void put(rgb& dst, rgb src, float a, blend mode) {
  if (mode == blend::normal) {
    dst = mix(dst, src, a);
  } else {
    // Screen never exceeds 1, so stacked lights saturate softly instead of clipping.
    dst = {dst.r + src.r * a * (1.0f - dst.r), dst.g + src.g * a * (1.0f - dst.g),
           dst.b + src.b * a * (1.0f - dst.b)};
  }
}

// Fills a shape given by a signed distance function (negative inside, in pixels). Coverage ramps
// linearly across `feather` pixels around the edge: 1 gives crisp anti-aliasing, more gives blur.
template <class Sdf>
void fill_sdf(canvas& c, pixel_box b, rgb col, float alpha, float feather, blend mode, Sdf sdf) {
  const float inv = 1.0f / std::max(feather, 1e-3f);
  for (int y = b.y0; y < b.y1; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float a = clamp01(0.5f - sdf(static_cast<float>(x) + 0.5f, yc) * inv) * alpha;
      if (a > 0.0f) put(row[x], col, a, mode);
    }
  }
}

void fill_disc(canvas& c, float cx, float cy, float radius, rgb col, float alpha,
               float feather = 1.0f, blend mode = blend::normal) {
  const float reach = radius + feather;
  fill_sdf(c, bounds(c, cx - reach, cy - reach, cx + reach, cy + reach), col, alpha, feather, mode,
           [=](float x, float y) {
             return std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - radius;
           });
}

void stroke_circle(canvas& c, float cx, float cy, float radius, float width, rgb col, float alpha) {
  const float reach = radius + width + 1.0f;
  fill_sdf(c, bounds(c, cx - reach, cy - reach, cx + reach, cy + reach), col, alpha, 1.0f,
           blend::normal, [=](float x, float y) {
             return std::abs(std::sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) - radius) -
                    0.5f * width;
           });
}

// Axis-aligned rectangle with exact area coverage per pixel (product of the 1-D overlaps).
void fill_rect(canvas& c, float x0, float y0, float x1, float y1, rgb col, float alpha = 1.0f) {
  const pixel_box b = bounds(c, x0, y0, x1, y1);
  for (int y = b.y0; y < b.y1; ++y) {
    const float fy = static_cast<float>(y);
    const float oy = clamp01(std::min(fy + 1.0f, y1) - std::max(fy, y0));
    if (oy <= 0.0f) continue;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float fx = static_cast<float>(x);
      const float ox = clamp01(std::min(fx + 1.0f, x1) - std::max(fx, x0));
      if (ox > 0.0f) row[x] = mix(row[x], col, ox * oy * alpha);
    }
  }
}

// Soft light: (1 - d^2/R^2)^3 looks Gaussian but reaches exactly zero at R and needs no sqrt or
// exp.
void add_glow(canvas& c, float cx, float cy, float radius, rgb col, float strength) {
  const pixel_box b = bounds(c, cx - radius, cy - radius, cx + radius, cy + radius);
  const float inv_r2 = 1.0f / (radius * radius);
  for (int y = b.y0; y < b.y1; ++y) {
    const float dy = static_cast<float>(y) + 0.5f - cy;
    const float dy2 = dy * dy * inv_r2;
    if (dy2 >= 1.0f) continue;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - cx;
      const float q = 1.0f - (dx * dx * inv_r2 + dy2);
      if (q > 0.0f) put(row[x], col, q * q * q * strength, blend::screen);
    }
  }
}

// Convex triangle as the max of its three edge distances: exact inside, close enough outside for
// AA.
class triangle_sdf {
 public:
  triangle_sdf(float ax, float ay, float bx, float by, float cx, float cy) {
    const std::array<float, 6> v{ax, ay, bx, by, cx, cy};
    for (std::size_t i = 0; i < 3; ++i) {
      const float px = v[2 * i], py = v[2 * i + 1];
      const float qx = v[(2 * i + 2) % 6], qy = v[(2 * i + 3) % 6];
      const float len = std::max(std::sqrt((qx - px) * (qx - px) + (qy - py) * (qy - py)), 1e-6f);
      nx_[i] = (qy - py) / len;
      ny_[i] = (px - qx) / len;
      d_[i] = nx_[i] * px + ny_[i] * py;
    }
    // Winding is arbitrary: flip so the centroid is inside.
    if ((*this)((ax + bx + cx) / 3.0f, (ay + by + cy) / 3.0f) > 0.0f) {
      for (std::size_t i = 0; i < 3; ++i) {
        nx_[i] = -nx_[i];
        ny_[i] = -ny_[i];
        d_[i] = -d_[i];
      }
    }
  }

  float operator()(float x, float y) const {
    return std::max({nx_[0] * x + ny_[0] * y - d_[0], nx_[1] * x + ny_[1] * y - d_[1],
                     nx_[2] * x + ny_[2] * y - d_[2]});
  }

 private:
  std::array<float, 3> nx_{}, ny_{}, d_{};
};

// Pointed petal/leaf: intersection of two discs, centred [mx, my], long axis along unit (ux, uy).
void fill_lens(canvas& c, float mx, float my, float ux, float uy, float half_len, float half_w,
               rgb col, float alpha) {
  const float rc = (half_len * half_len + half_w * half_w) / (2.0f * half_w);
  const float off = rc - half_w;
  const float c1x = mx - uy * off, c1y = my + ux * off;
  const float c2x = mx + uy * off, c2y = my - ux * off;
  const float reach = std::max(half_len, half_w) + 1.0f;
  fill_sdf(c, bounds(c, mx - reach, my - reach, mx + reach, my + reach), col, alpha, 1.0f,
           blend::normal, [=](float x, float y) {
             const float d1 = (x - c1x) * (x - c1x) + (y - c1y) * (y - c1y);
             const float d2 = (x - c2x) * (x - c2x) + (y - c2y) * (y - c2y);
             return std::sqrt(std::max(d1, d2)) - rc;
           });
}

void fill_vertical_gradient(canvas& c, rgb top, rgb bottom, float reach_y, float curve) {
  for (int y = 0; y < c.h; ++y) {
    const float t = std::pow(clamp01((static_cast<float>(y) + 0.5f) / reach_y), curve);
    const rgb col = mix(top, bottom, t);
    std::fill_n(c.row(y), c.w, col);
  }
}

void fill_linear_gradient(canvas& c, rgb a, rgb b, float angle) {
  const float dx = std::cos(angle), dy = std::sin(angle);
  const float half_extent =
      0.5f * (std::abs(dx) * static_cast<float>(c.w) + std::abs(dy) * static_cast<float>(c.h));
  const float inv = 0.5f / half_extent;
  for (int y = 0; y < c.h; ++y) {
    const float row_term = (static_cast<float>(y) + 0.5f - 0.5f * static_cast<float>(c.h)) * dy;
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const float along =
          (static_cast<float>(x) + 0.5f - 0.5f * static_cast<float>(c.w)) * dx + row_term;
      const float t = clamp01(0.5f + along * inv);
      row[x] = mix(a, b, t * t * (3.0f - 2.0f * t));
    }
  }
}

// Lightens (or darkens) a horizontal band towards `col`, e.g. mist at the foot of a skyline.
void haze(canvas& c, float y0, float y1, rgb col, float max_alpha) {
  for (int y = to_pixel(y0, c.h); y < c.h; ++y) {
    const float a = max_alpha * smoothstep(y0, y1, static_cast<float>(y) + 0.5f);
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) row[x] = mix(row[x], col, a);
  }
}

// ---------------------------------------------------------------------------------------------
// Height-field layers (ridges, waves, paper bands)
// ---------------------------------------------------------------------------------------------

struct curve {
  explicit curve(int w) : y(static_cast<std::size_t>(w)), norm(static_cast<std::size_t>(w)) {}

  // 1/sqrt(1 + slope^2) turns the vertical distance to the curve into a perpendicular one, so steep
  // slopes (tree tops, wave crests) get the same 1-pixel AA ramp as flat ones.
  void finalise() {
    const std::size_t n = y.size();
    for (std::size_t x = 0; x < n; ++x) {
      const float slope = 0.5f * (y[std::min(x + 1, n - 1)] - y[x == 0 ? 0 : x - 1]);
      norm[x] = 1.0f / std::sqrt(1.0f + slope * slope);
    }
  }
  float top() const { return *std::min_element(y.begin(), y.end()); }

  std::vector<float> y;  // curve height per column, pixels
  std::vector<float> norm;
};

struct layer_style {
  rgb top_colour{}, bottom_colour{};  // vertical gradient over [gradient_from, gradient_to]
  float gradient_from = 0.0f, gradient_to = 1.0f;
  rgb rim{};  // light catching the edge: foam, sunlit crest, paper edge
  float rim_width = 1.0f, rim_alpha = 0.0f;
  float shadow_width = 0.0f, shadow_alpha = 0.0f;  // soft shadow cast onto what lies behind
};

void fill_below(canvas& c, const curve& cv, const layer_style& st) {
  const float top = cv.top();
  const float shadow_inv = st.shadow_width > 0.0f ? 1.0f / st.shadow_width : 0.0f;
  const float rim_inv = 1.0f / std::max(st.rim_width, 1e-3f);
  const float grad_inv = 1.0f / std::max(1.0f, st.gradient_to - st.gradient_from);
  for (int y = to_pixel(std::floor(top - st.shadow_width - 2.0f), c.h); y < c.h; ++y) {
    const float yc = static_cast<float>(y) + 0.5f;
    const float gt = clamp01((yc - st.gradient_from) * grad_inv);
    const rgb base = mix(st.top_colour, st.bottom_colour, gt * gt * (3.0f - 2.0f * gt));
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const auto xi = static_cast<std::size_t>(x);
      const float d = (cv.y[xi] - yc) * cv.norm[xi];  // > 0 above the curve
      if (st.shadow_alpha > 0.0f && d > -0.5f && d < st.shadow_width) {
        const float s = 1.0f - std::max(d, 0.0f) * shadow_inv;
        row[x] = row[x] * (1.0f - st.shadow_alpha * s * s);
      }
      if (d >= 0.5f) continue;
      const float a = std::min(1.0f, 0.5f - d);
      const rgb col = st.rim_alpha > 0.0f
                          ? mix(base, st.rim, st.rim_alpha * clamp01(1.0f + d * rim_inv))
                          : base;
      row[x] = mix(row[x], col, a);
    }
  }
}

struct octave {
  float freq, phase, weight;
};

// Sum of sines; `ridged` turns every octave but the first into 1-|sin| cusps for rocky peaks.
void terrain_curve(curve& cv, rng& r, float base, float amp, float cycles, bool ridged) {
  const float w = static_cast<float>(cv.y.size());
  std::array<octave, 5> oct{};
  float f = cycles * tau / w;
  float weight = 1.0f;
  float total = 0.0f;
  for (auto& o : oct) {
    o = {f * r.range(0.85f, 1.15f), r.range(0.0f, tau), weight};
    total += weight;
    f *= 2.07f;
    weight *= ridged ? 0.42f : 0.32f;
  }
  for (std::size_t x = 0; x < cv.y.size(); ++x) {
    const float fx = static_cast<float>(x);
    float v = oct[0].weight * (0.5f + 0.5f * std::sin(fx * oct[0].freq + oct[0].phase));
    for (std::size_t k = 1; k < oct.size(); ++k) {
      const float s = std::sin(fx * oct[k].freq + oct[k].phase);
      v += oct[k].weight * (ridged ? 1.0f - std::abs(s) : 0.5f + 0.5f * s);
    }
    cv.y[x] = base - amp * v / total;
  }
}

// Rolling ground with a row of pines: each tree is a concave spike whose sides droop in tiers
// (a sawtooth on the profile: gentle slope along a branch, sudden drop below its tip).
void treeline_curve(curve& cv, rng& r, float base, float tree_height) {
  terrain_curve(cv, r, base, tree_height * 0.35f, r.range(0.8f, 1.6f), false);
  const float w = static_cast<float>(cv.y.size());
  float x = -r.range(0.0f, tree_height * 0.3f);
  while (x < w + tree_height) {
    const float th = tree_height * r.range(0.5f, 1.0f);
    const float hw = th * r.range(0.17f, 0.25f);
    const float tiers = static_cast<float>(4 + r.below(3));
    const int x0 = to_pixel(x - hw, static_cast<int>(w) - 1);
    const int x1 = to_pixel(x + hw + 1.0f, static_cast<int>(w) - 1);
    for (int xi = x0; xi <= x1; ++xi) {
      const float a = std::abs(static_cast<float>(xi) + 0.5f - x) / hw;
      if (a >= 1.0f) continue;
      auto& y = cv.y[static_cast<std::size_t>(xi)];
      const float tier = a * tiers - std::floor(a * tiers);
      y = std::min(
          y, y + tree_height * 0.15f - th * (std::pow(1.0f - a, 1.3f) + 0.14f * (1.0f - a) * tier));
    }
    x += hw * r.range(1.1f, 2.2f);
  }
}

// ---------------------------------------------------------------------------------------------
// Scene pieces
// ---------------------------------------------------------------------------------------------

void draw_stars(canvas& c, rng& r, float per_megapixel, float y_limit, rgb tint) {
  const auto count =
      static_cast<int>(per_megapixel * static_cast<float>(c.w) * static_cast<float>(c.h) / 1.0e6f);
  for (int i = 0; i < count; ++i) {
    const float x = r.range(0.0f, static_cast<float>(c.w));
    const float y = r.range(0.0f, y_limit);
    const float b = std::pow(r.unit(), 3.0f);  // mostly faint, a few bright
    const float fade = std::sqrt(clamp01(1.0f - y / y_limit));
    const rgb col = mix(white, tint, r.unit() * 0.6f);
    fill_disc(c, x, y, (0.45f + 1.1f * b) * c.px, col, (0.3f + 0.7f * b) * fade, 1.0f,
              blend::screen);
    if (b > 0.5f) add_glow(c, x, y, 9.0f * c.scale * b, col, 0.35f * b * fade);
  }
}

void draw_sun(canvas& c, const palette& p, rng& r, float x, float y, float radius, bool moon) {
  add_glow(c, x, y, radius * 9.0f, p.glow, moon ? 0.12f : 0.25f);
  add_glow(c, x, y, radius * 2.6f, p.glow, moon ? 0.25f : 0.45f);
  const rgb disc = mix(p.glow, white, 0.4f);
  fill_disc(c, x, y, radius, disc, 1.0f, 1.2f * c.px);
  if (!moon) return;
  const rgb crater = mix(disc, p.sky_bottom, 0.5f);
  for (int i = 0; i < 5; ++i) {
    const float a = r.range(0.0f, tau);
    const float d = radius * std::sqrt(r.unit()) * 0.65f;
    fill_disc(c, x + std::cos(a) * d, y + std::sin(a) * d, radius * r.range(0.08f, 0.22f), crater,
              0.18f, 2.0f * c.px);
  }
}

void draw_sky(canvas& c, const palette& p, float horizon) {
  fill_vertical_gradient(c, p.sky_top, p.sky_bottom, horizon, 1.35f);
}

// ---------------------------------------------------------------------------------------------
// Compositions
// ---------------------------------------------------------------------------------------------

// Layered ridges (or pine treelines) fading into valley mist under a sky with a sun or moon.
void draw_landscape(canvas& c, const palette& p, rng& r, terrain kind) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.5f, 0.62f);
  const bool night = is_dark(p);
  draw_sky(c, p, horizon);
  if (luminance(p.sky_top) < 0.2f) draw_stars(c, r, night ? 700.0f : 250.0f, horizon, p.accent[3]);
  draw_sun(c, p, r, W * r.range(0.18f, 0.82f), horizon - H * r.range(0.04f, 0.24f),
           c.unit * r.range(0.04f, 0.075f), night);

  const int layers = kind == terrain::forest ? 5 + r.below(2) : 4 + r.below(3);
  const rgb mist = mix(p.sky_bottom, p.glow, 0.2f);
  const rgb far = mix(mist, p.accent[1], 0.35f);
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(layers - 1);
    const float base = horizon + (H - horizon) * (0.06f + 0.78f * std::pow(t, 1.15f));
    switch (kind) {
      case terrain::mountains:
        terrain_curve(cv, r, base, H * (0.3f - 0.17f * t), r.range(0.9f, 2.0f), true);
        break;
      case terrain::hills:
        terrain_curve(cv, r, base, H * (0.11f - 0.04f * t), r.range(0.6f, 1.5f), false);
        break;
      case terrain::forest:
        treeline_curve(cv, r, base, H * (0.06f + 0.2f * t));
        break;
    }
    cv.finalise();
    const rgb col = mix(mix(far, p.accent[2], std::pow(t, 0.9f)), p.accent[0],
                        0.18f * (1.0f - std::abs(2.0f * t - 1.0f)));
    layer_style st;
    st.top_colour = col;
    st.bottom_colour = mix(col, mist, (kind == terrain::forest ? 0.7f : 0.5f) * (1.0f - 0.7f * t));
    st.gradient_from = cv.top();
    st.gradient_to = base + (H - horizon) * 0.3f;
    st.rim = mix(col, p.glow, 0.5f);
    st.rim_width = 2.5f * c.px;
    st.rim_alpha = 0.35f * (1.0f - t);
    fill_below(c, cv, st);
  }
}

// Perspective rows of swell with foam rims, under a sun or moon with a glitter path on the water.
void draw_ocean(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.4f, 0.52f);
  const bool night = is_dark(p);
  draw_sky(c, p, horizon);
  if (luminance(p.sky_top) < 0.2f) draw_stars(c, r, night ? 700.0f : 250.0f, horizon, p.accent[3]);
  const float sun_x = W * r.range(0.25f, 0.75f);
  const float sun_r = c.unit * r.range(0.05f, 0.08f);
  draw_sun(c, p, r, sun_x, horizon - sun_r * r.range(0.0f, 2.5f), sun_r, night);

  const int layers = 8 + r.below(4);
  const float cycles = r.range(1.4f, 2.4f);
  const rgb far = mix(p.sky_bottom, p.accent[0], 0.4f);  // distant water mirrors the horizon sky
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const float t = static_cast<float>(i) / static_cast<float>(layers - 1);
    const float base = horizon + (H - horizon) * 0.97f * std::pow(t, 1.6f);
    const float amp = H * (0.003f + 0.07f * std::pow(t, 1.5f));
    const float f1 = (cycles * (1.0f + 5.0f * (1.0f - t))) * tau / W;
    const float f2 = f1 * r.range(1.7f, 2.3f);
    const float f3 = f1 * r.range(0.3f, 0.45f);
    const float p1 = r.range(0.0f, tau), p2 = r.range(0.0f, tau), p3 = r.range(0.0f, tau);
    for (std::size_t x = 0; x < cv.y.size(); ++x) {
      const float fx = static_cast<float>(x);
      // Raising a sine to a power narrows the crests and flattens the troughs, like real swell.
      const float crest = std::pow(0.5f + 0.5f * std::sin(fx * f1 + p1), 1.8f);
      const float swell = 0.6f + 0.4f * std::sin(fx * f3 + p3);
      cv.y[x] =
          base - amp * swell * (0.75f * crest + 0.25f * (0.5f + 0.5f * std::sin(fx * f2 + p2)));
    }
    cv.finalise();
    const rgb col = mix(far, p.accent[2], std::pow(t, 0.7f));
    layer_style st;
    st.top_colour = mix(col, p.accent[3], 0.2f);
    st.bottom_colour = mix(col, p.accent[2], 0.45f);
    st.gradient_from = cv.top();
    st.gradient_to = base + amp + (H - horizon) * 0.1f;
    st.rim = mix(p.accent[3], white, 0.6f);
    st.rim_width = (1.0f + 4.0f * t) * c.px;
    st.rim_alpha = 0.45f + 0.35f * t;
    st.shadow_width = (2.0f + 10.0f * t) * c.scale;
    st.shadow_alpha = 0.2f;
    fill_below(c, cv, st);
  }

  // Glitter: short bright streaks that widen towards the viewer.
  for (int i = 0; i < 70; ++i) {
    const float t = r.unit();
    const float y = horizon + (H - horizon) * t * t + 2.0f * c.px;
    const float half_len = sun_r * (0.1f + 0.8f * t) * r.range(0.2f, 1.0f);
    const float half_h = (0.4f + 0.9f * t) * c.px;
    const float x = sun_x + r.range(-1.0f, 1.0f) * sun_r * (0.3f + 1.5f * t);
    fill_sdf(c, bounds(c, x - half_len - half_h, y - half_h, x + half_len + half_h, y + half_h),
             p.glow, 0.45f * (1.0f - 0.6f * t), 1.0f, blend::screen, [=](float px, float py) {
               const float dx = std::max(std::abs(px - x) - half_len, 0.0f);
               return std::sqrt(dx * dx + (py - y) * (py - y)) - half_h;
             });
  }
}

// Smooth 2-D value noise on a hashed integer lattice.
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

// A lit sphere: soft terminator, gently warped cloud bands and a bright atmospheric rim.
void draw_planet(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float radius = c.unit * r.range(0.1f, 0.2f);
  const float cx = W * (r.chance(0.5f) ? r.range(0.12f, 0.32f) : r.range(0.68f, 0.88f));
  const float cy = H * r.range(0.6f, 0.82f);
  const float la = r.range(0.0f, tau);
  const float lx = 0.75f * std::cos(la), ly = 0.75f * std::sin(la), lz = 0.66f;
  const float band_freq = r.range(7.0f, 14.0f), band_phase = r.range(0.0f, tau);
  const rgb body = mix(p.accent[0], p.accent[1], r.range(0.3f, 0.7f));
  const rgb stripe = mix(body, p.accent[3], 0.35f), night_side = mix(p.sky_top, p.accent[2], 0.5f);

  add_glow(c, cx + lx * radius * 0.3f, cy + ly * radius * 0.3f, radius * 1.5f, p.accent[3], 0.3f);
  const pixel_box b = bounds(c, cx - radius, cy - radius, cx + radius, cy + radius);
  const float inv_r = 1.0f / radius;
  for (int y = b.y0; y < b.y1; ++y) {
    const float ny = (static_cast<float>(y) + 0.5f - cy) * inv_r;
    rgb* row = c.row(y);
    for (int x = b.x0; x < b.x1; ++x) {
      const float nx = (static_cast<float>(x) + 0.5f - cx) * inv_r;
      const float q = nx * nx + ny * ny;
      const float cover = clamp01(0.5f - (std::sqrt(q) - 1.0f) * radius);
      if (cover <= 0.0f) continue;
      const float nz = std::sqrt(std::max(0.0f, 1.0f - q));
      const float band =
          0.5f + 0.5f * std::sin(ny * band_freq + 0.7f * std::sin(nx * 3.0f + band_phase));
      const float light = smoothstep(-0.25f, 0.85f, nx * lx + ny * ly + nz * lz);
      const float rim = (1.0f - nz) * (1.0f - nz) * light;
      const rgb surface = mix(body, stripe, 0.6f * band * band);
      row[x] = mix(row[x], mix(mix(night_side, surface, light), p.accent[3], 0.6f * rim), cover);
    }
  }
}

// Stars over a domain-warped fbm nebula with dust lanes along a galactic band; maybe a planet.
void draw_space(canvas& c, const palette& p, rng& r, bool planet) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  fill_vertical_gradient(c, p.sky_top, p.sky_bottom, H, 1.0f);

  // The nebula is smooth, so evaluate it on a 4-px grid and interpolate: ~16x fewer fbm calls.
  constexpr int step = 4;
  const int gw = c.w / step + 2, gh = c.h / step + 2;
  struct cell {
    rgb light;
    float dust;
  };
  std::vector<cell> grid(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh));
  const auto seed = static_cast<std::uint32_t>(r.next());
  const float band_angle = r.range(-0.9f, 0.9f);
  const float bnx = -std::sin(band_angle), bny = std::cos(band_angle);
  const float bcx = W * r.range(0.35f, 0.65f), bcy = H * r.range(0.35f, 0.65f);
  const float band_w = c.unit * r.range(0.2f, 0.32f);
  const float freq = r.range(2.0f, 3.2f) / c.unit;
  const float ox = r.range(0.0f, 100.0f), oy = r.range(0.0f, 100.0f);
  const auto band_at = [&](float x, float y) {
    const float d = ((x - bcx) * bnx + (y - bcy) * bny) / band_w;
    return std::exp(-d * d);
  };
  for (int gy = 0; gy < gh; ++gy) {
    for (int gx = 0; gx < gw; ++gx) {
      const auto x = static_cast<float>(gx * step), y = static_cast<float>(gy * step);
      const float u = x * freq + ox, v = y * freq + oy;
      const float wx = fbm(u, v, seed);
      const float wy = fbm(u + 5.2f, v + 1.3f, seed + 1U);
      const float n = fbm(u + 1.8f * wx, v + 1.8f * wy, seed + 2U);
      const float band = band_at(x, y);
      const float density = smoothstep(0.32f, 0.85f, n) * (0.2f + 0.8f * band);
      const rgb tint = mix(p.accent[0], p.accent[1], smoothstep(0.3f, 0.7f, wx));
      const rgb col = mix(tint, p.accent[3], smoothstep(0.55f, 0.95f, n * band));
      const float dust =
          smoothstep(0.55f, 0.8f, fbm(u * 1.7f + 3.0f, v * 1.7f, seed + 3U)) * band * 0.7f;
      grid[static_cast<std::size_t>(gy * gw + gx)] = {col * (density * 0.9f), dust};
    }
  }
  constexpr float inv_step = 1.0f / step;
  const auto bilerp = [](const cell& a, const cell& b, const cell& cc, const cell& d, float tx,
                         float ty) {
    const rgb top = mix(a.light, b.light, tx), bottom = mix(cc.light, d.light, tx);
    const float dt = a.dust + (b.dust - a.dust) * tx, db = cc.dust + (d.dust - cc.dust) * tx;
    return cell{mix(top, bottom, ty), dt + (db - dt) * ty};
  };
  for (int y = 0; y < c.h; ++y) {
    const int gy = y / step;
    const float ty = static_cast<float>(y % step) * inv_step;
    rgb* row = c.row(y);
    const cell* g0 = &grid[static_cast<std::size_t>(gy * gw)];
    const cell* g1 = g0 + gw;
    for (int x = 0; x < c.w; ++x) {
      const int gx = x / step;
      const float tx = static_cast<float>(x % step) * inv_step;
      const cell v = bilerp(g0[gx], g0[gx + 1], g1[gx], g1[gx + 1], tx, ty);
      row[x] = row[x] * (1.0f - v.dust * 0.8f);
      put(row[x], v.light, 1.0f - v.dust, blend::screen);
    }
  }

  // More stars inside the band, like a Milky Way.
  const auto count = static_cast<int>(1600.0f * W * H / 1.0e6f);
  for (int i = 0; i < count; ++i) {
    const float x = r.range(0.0f, W), y = r.range(0.0f, H);
    if (!r.chance(0.3f + 0.7f * band_at(x, y))) continue;
    const float b = std::pow(r.unit(), 3.0f);
    const rgb col = mix(white, r.chance(0.5f) ? p.accent[3] : p.glow, r.unit() * 0.5f);
    fill_disc(c, x, y, (0.4f + 1.1f * b) * c.px, col, 0.3f + 0.6f * b, 1.0f, blend::screen);
    if (b > 0.4f) add_glow(c, x, y, 8.0f * c.scale * b, col, 0.3f * b);
  }
  // A handful of bright stars with diffraction spikes.
  const int bright = 4 + r.below(6);
  for (int i = 0; i < bright; ++i) {
    const float x = r.range(0.0f, W), y = r.range(0.0f, H);
    const float b = r.range(0.5f, 1.0f);
    const rgb col = mix(white, p.accent[3], r.unit() * 0.4f);
    fill_disc(c, x, y, 1.6f * c.px * b, col, 1.0f, 1.0f, blend::screen);
    add_glow(c, x, y, 16.0f * c.scale * b, col, 0.5f * b);
    const float len = 40.0f * c.scale * b, thick = 0.6f * c.px;
    fill_sdf(c, bounds(c, x - len, y - len, x + len, y + len), col, 0.8f * b, 1.0f, blend::screen,
             [=](float px, float py) {
               const float dx = std::abs(px - x), dy = std::abs(py - y);
               // Each spike's half-width shrinks linearly from `thick` at the star to 0 at its tip.
               const float h = dy - thick * (1.0f - dx / len), v = dx - thick * (1.0f - dy / len);
               return std::min(dx < len ? h : 1e9f, dy < len ? v : 1e9f);
             });
  }
  if (planet) draw_planet(c, p, r);
}

// One building with an optional roof feature and a grid of lit/unlit windows.
void draw_building(canvas& c, const palette& p, rng& r, float x0, float x1, float top, rgb wall,
                   float window, float lit_ratio) {
  const auto H = static_cast<float>(c.h);
  const float bw = x1 - x0;
  fill_rect(c, x0, top, x1, H + 1.0f, wall);
  switch (r.below(5)) {
    case 1: {  // setback
      const float inset = bw * r.range(0.15f, 0.3f);
      fill_rect(c, x0 + inset, top - bw * r.range(0.2f, 0.5f), x1 - inset, top + 1.0f, wall);
      break;
    }
    case 2: {  // antenna with a warning light
      const float ax = x0 + bw * r.range(0.3f, 0.7f), ah = bw * r.range(0.4f, 0.9f);
      fill_rect(c, ax - 1.0f * c.px, top - ah, ax + 1.0f * c.px, top + 1.0f, wall);
      add_glow(c, ax, top - ah, 6.0f * c.scale, {1.0f, 0.25f, 0.2f}, 0.8f);
      break;
    }
    case 3: {  // pointed roof
      const float apex = top - bw * r.range(0.25f, 0.6f);
      const triangle_sdf roof(x0, top + 1.0f, x1, top + 1.0f, 0.5f * (x0 + x1), apex);
      fill_sdf(c, bounds(c, x0, apex, x1, top + 1.0f), wall, 1.0f, 1.0f, blend::normal, roof);
      break;
    }
    default:
      break;
  }
  if (window <= 0.0f) return;
  const float win_w = window * 0.5f, win_h = window * 0.7f, pitch_y = window * 1.25f;
  const int cols = static_cast<int>((bw - window * 0.5f) / window);
  if (cols < 1) return;
  const float margin = 0.5f * (bw - static_cast<float>(cols) * window);
  const rgb unlit = mix(wall, p.sky_top, 0.25f);
  for (float wy = top + window * 0.8f; wy < H; wy += pitch_y) {
    for (int i = 0; i < cols; ++i) {
      const float wx = x0 + margin + (static_cast<float>(i) + 0.25f) * window;
      if (r.chance(lit_ratio)) {
        const rgb lit = r.chance(0.8f) ? p.glow : p.accent[3];
        fill_rect(c, wx, wy, wx + win_w, wy + win_h, lit, r.range(0.55f, 0.95f));
      } else {
        fill_rect(c, wx, wy, wx + win_w, wy + win_h, unlit, 0.5f);
      }
    }
  }
}

// Three skyline layers (hazy far towers to dark near blocks) with lit windows; neon signs at night.
void draw_city(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float horizon = H * r.range(0.68f, 0.78f);
  const bool night = is_dark(p) || luminance(p.sky_bottom) < 0.35f;
  draw_sky(c, p, horizon);
  if (night) draw_stars(c, r, 500.0f, horizon * 0.8f, p.accent[3]);
  draw_sun(c, p, r, W * r.range(0.15f, 0.85f), H * r.range(0.12f, 0.35f),
           c.unit * r.range(0.035f, 0.06f), night);
  add_glow(c, W * 0.5f, horizon, W * 0.75f, p.glow, 0.12f);

  const std::array<rgb, 3> walls{mix(mix(p.sky_bottom, p.accent[2], 0.5f), p.accent[1], 0.2f),
                                 mix(p.accent[1], p.accent[2], 0.7f), p.accent[2] * 0.8f};
  for (int layer = 0; layer < 3; ++layer) {
    const auto lf = static_cast<float>(layer);
    const float min_w = c.unit * (0.035f + 0.025f * lf), max_w = c.unit * (0.07f + 0.06f * lf);
    const float min_h = H * (0.28f - 0.1f * lf), max_h = H * (0.6f - 0.18f * lf);
    const float window = layer == 0 ? 0.0f : c.unit * (0.008f + 0.006f * lf);
    float x = -r.range(0.0f, max_w);
    while (x < W) {
      const float bw = r.range(min_w, max_w);
      const float top = H - r.range(min_h, max_h);
      draw_building(c, p, r, x, x + bw, top, walls[static_cast<std::size_t>(layer)], window,
                    night ? 0.45f : 0.15f);
      if (night && layer == 2 && r.chance(0.2f)) {  // vertical neon sign
        const float sx = x + bw * r.range(0.15f, 0.75f), sy = top + (H - top) * r.range(0.1f, 0.4f);
        const float sh = (H - top) * r.range(0.15f, 0.3f), sw = bw * 0.1f;
        const rgb neon = r.chance(0.5f) ? p.accent[0] : p.accent[3];
        add_glow(c, sx + sw * 0.5f, sy + sh * 0.5f, sh * 0.8f, neon, 0.3f);
        fill_rect(c, sx, sy, sx + sw, sy + sh, mix(neon, white, 0.3f));
      }
      x += bw * r.range(0.75f, 1.05f);
    }
    if (layer < 2)
      haze(c, H - (H - horizon) * (1.5f - 0.5f * lf), H, mix(p.sky_bottom, p.glow, 0.2f), 0.4f);
  }
}

// Soft translucent circles in three depths of focus, strewn along a gentle curve.
void draw_bokeh(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  // Out-of-focus lights only glow against darkness, so the background comes from the deep colours.
  fill_linear_gradient(c, vivid(p.accent[2] * 0.6f, 0.5f),
                       vivid(mix(p.accent[2], p.accent[1], 0.45f), 0.5f), r.range(0.0f, tau));
  for (int i = 0; i < 2; ++i) {
    add_glow(c, W * r.unit(), H * r.unit(), c.unit * r.range(0.5f, 0.8f),
             p.accent[static_cast<std::size_t>(r.below(2))], 0.2f);
  }

  const float angle = r.range(-0.6f, 0.6f);
  const float dx = std::cos(angle), dy = std::sin(angle);
  const float wave = r.range(0.08f, 0.2f) * H, wave_f = r.range(0.5f, 1.5f) * tau,
              wave_p = r.range(0.0f, tau);
  const float length = std::sqrt(W * W + H * H);
  const std::array<rgb, 4> colours{vivid(p.accent[0], 0.6f), vivid(p.accent[3], 0.6f), p.glow,
                                   vivid(p.accent[1], 0.6f)};
  struct depth {
    int count;
    float min_r, max_r, blur, min_a, max_a;  // blur: edge softness as a fraction of the radius
    bool in_focus;
  };
  constexpr std::array<depth, 3> depths{{{14, 0.08f, 0.17f, 0.45f, 0.15f, 0.3f, false},
                                         {24, 0.04f, 0.08f, 0.12f, 0.22f, 0.4f, false},
                                         {30, 0.015f, 0.04f, 0.0f, 0.3f, 0.6f, true}}};
  for (const depth& d : depths) {
    for (int i = 0; i < d.count; ++i) {
      const float t = r.unit();
      const float along = (t - 0.5f) * length;
      const float across = wave * std::sin(t * wave_f + wave_p) +
                           (r.unit() + r.unit() + r.unit() - 1.5f) * H * 0.22f;
      const float x = 0.5f * W + along * dx - across * dy;
      const float y = 0.5f * H + along * dy + across * dx;
      const float radius = c.unit * r.range(d.min_r, d.max_r);
      const rgb col = colours[static_cast<std::size_t>(r.below(4))];
      const float alpha = r.range(d.min_a, d.max_a);
      fill_disc(c, x, y, radius, col, alpha, std::max(1.0f, d.blur * radius), blend::screen);
      if (d.in_focus) {  // sharp discs show the lens' brighter rim
        const float rim = std::max(1.0f, 0.06f * radius);
        stroke_circle(c, x, y, radius - rim, rim, mix(col, white, 0.3f), alpha * 0.35f);
      }
    }
  }
  for (int i = 0; i < 25; ++i) {
    fill_disc(c, W * r.unit(), H * r.unit(), r.range(0.8f, 2.0f) * c.px, p.glow,
              r.range(0.3f, 0.8f), 1.0f, blend::screen);
  }
}

// Piecewise-linear ramp through the palette from light to deep, for layered bands.
rgb palette_ramp(const palette& p, float t) {
  const std::array<rgb, 5> stops{p.sky_bottom, p.accent[3], p.accent[0], p.accent[1], p.accent[2]};
  const float s = clamp01(t) * 4.0f;
  const auto i = std::min(static_cast<std::size_t>(s), std::size_t{3});
  return mix(stops[i], stops[i + 1], s - static_cast<float>(i));
}

// Paper-cut layers of flowing sine curves, each casting a soft shadow on the one behind.
void draw_bands(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int layers = 6 + r.below(4);
  const bool light_first = r.chance(0.6f);
  const auto ramp = [&](float t) { return palette_ramp(p, light_first ? t : 1.0f - t); };
  fill_vertical_gradient(c, mix(ramp(0.0f), p.sky_top, 0.3f), ramp(0.0f), H * 0.3f, 1.0f);

  const float amp = H * r.range(0.05f, 0.1f);
  const float f1 = r.range(0.5f, 1.3f) * tau / W, f2 = f1 * r.range(1.8f, 2.6f);
  const float p1 = r.range(0.0f, tau), p2 = r.range(0.0f, tau);
  const float drift1 = r.range(0.3f, 0.9f), drift2 = r.range(0.2f, 0.7f);
  const float tilt = r.range(-0.25f, 0.25f) * H;
  curve cv(c.w);
  for (int i = 0; i < layers; ++i) {
    const auto fi = static_cast<float>(i);
    const float base = H * (0.14f + 0.8f * fi / static_cast<float>(layers - 1));
    const float a = amp * r.range(0.7f, 1.3f);
    for (std::size_t x = 0; x < cv.y.size(); ++x) {
      const float fx = static_cast<float>(x);
      cv.y[x] = base + tilt * (fx / W - 0.5f) +
                a * (0.65f * std::sin(fx * f1 + p1 + fi * drift1) +
                     0.35f * std::sin(fx * f2 + p2 - fi * drift2));
    }
    cv.finalise();
    const float t = (fi + 1.0f) / static_cast<float>(layers);
    const rgb col = ramp(t);
    layer_style st;
    st.top_colour = mix(col, white, 0.06f);
    st.bottom_colour = mix(col, ramp(t + 1.0f / static_cast<float>(layers)), 0.3f);
    st.gradient_from = cv.top();
    st.gradient_to = base + amp * 2.0f + H * 0.1f;
    st.rim = mix(col, white, 0.4f);
    st.rim_width = 1.5f * c.px;
    st.rim_alpha = 0.3f;
    st.shadow_width = c.unit * 0.035f;
    st.shadow_alpha = 0.35f;
    fill_below(c, cv, st);
  }
}

// atan2 via a 7th-order polynomial (~1e-5 rad error): the ray pass calls it once per pixel.
float fast_atan2(float y, float x) {
  const float ax = std::abs(x), ay = std::abs(y);
  const float a = std::min(ax, ay) / (std::max(ax, ay) + 1e-20f);
  const float s = a * a;
  float angle = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
  if (ay > ax) angle = 1.57079637f - angle;
  if (x < 0.0f) angle = 3.14159274f - angle;
  return y < 0.0f ? -angle : angle;
}

// Radial glow with soft sun rays behind a mandala of pointed petals, beads and rings.
void draw_burst(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const float r0 = c.unit * r.range(0.3f, 0.42f);
  // Off-centre sometimes, but never so far that the mandala is cut by the frame.
  const float slack_x = std::max(0.0f, 0.5f * W - r0 * 1.1f),
              slack_y = std::max(0.0f, 0.5f * H - r0 * 1.1f);
  const bool centred = r.chance(0.6f);
  const float cx = 0.5f * W + (centred ? 0.0f : r.range(-slack_x, slack_x));
  const float cy = 0.5f * H + (centred ? 0.0f : r.range(-slack_y, slack_y));
  const float reach = std::sqrt(std::max(cx, W - cx) * std::max(cx, W - cx) +
                                std::max(cy, H - cy) * std::max(cy, H - cy));
  const rgb inner = mix(p.sky_bottom, p.glow, 0.35f), outer = p.sky_top;
  const float rays = static_cast<float>(12 + 4 * r.below(5));
  const float rot = r.unit();
  const float ray_alpha = r.range(0.07f, 0.14f);
  const float inv_reach = 1.0f / reach, ray_width = tau / rays, fade_in = 1.0f / (0.1f * c.unit);
  for (int y = 0; y < c.h; ++y) {
    const float dy = static_cast<float>(y) + 0.5f - cy;
    rgb* row = c.row(y);
    for (int x = 0; x < c.w; ++x) {
      const float dx = static_cast<float>(x) + 0.5f - cx;
      const float dist = std::sqrt(dx * dx + dy * dy);
      const float t = std::min(1.0f, dist * inv_reach);
      const rgb bg = mix(inner, outer, t * (2.0f - t));
      float f = fast_atan2(dy, dx) / tau * rays + rot;
      f -= std::floor(f);
      // Signed distance in pixels to the nearest ray edge (rays occupy f < 0.5).
      const float e =
          (f < 0.5f ? std::min(f, 0.5f - f) : -std::min(f - 0.5f, 1.0f - f)) * ray_width * dist;
      const float a =
          clamp01(0.5f + e) * ray_alpha * std::min(1.0f, dist * fade_in) * (1.0f - 0.5f * t);
      row[x] = mix(bg, p.glow, a);
    }
  }

  const int rings = 4 + r.below(3);
  const float ring_step = r0 / (static_cast<float>(rings) + 0.6f);
  constexpr std::array<int, 4> base_counts{6, 8, 10, 12};
  const int base_n = base_counts[static_cast<std::size_t>(r.below(4))];
  const std::array<rgb, 5> inks{p.accent[0], p.accent[1], p.accent[3], p.glow, p.accent[2]};
  const auto ink0 = static_cast<std::size_t>(r.below(5));
  const float spin = r.unit();
  add_glow(c, cx, cy, r0 * 1.3f, p.glow, 0.25f);
  for (int j = 0; j < rings; ++j) {
    const auto fj = static_cast<float>(j);
    const float outer_r = r0 - fj * ring_step;
    const float len = ring_step * r.range(1.5f, 2.0f);
    const int n = base_n * (j < rings / 2 ? 2 : 1);
    const float step = 1.0f / static_cast<float>(n);
    const float half_w =
        std::min(len * r.range(0.2f, 0.34f), 0.5f * tau * (outer_r - 0.5f * len) * step * 0.9f);
    const rgb col = inks[(ink0 + static_cast<std::size_t>(j)) % inks.size()];
    const rgb detail = mix(col, white, 0.45f);
    const float turn = spin + (j % 2 == 0 ? 0.0f : 0.5f * step);
    for (int k = 0; k < n; ++k) {
      const float a = tau * (static_cast<float>(k) * step + turn);
      const float ux = std::cos(a), uy = std::sin(a);
      const float mid = outer_r - 0.5f * len;
      fill_lens(c, cx + ux * mid, cy + uy * mid, ux, uy, 0.5f * len, half_w, col, 0.95f);
      fill_lens(c, cx + ux * (mid + 0.06f * len), cy + uy * (mid + 0.06f * len), ux, uy, 0.3f * len,
                0.4f * half_w, detail, 0.8f);
      const float b = a + 0.5f * step * tau;
      fill_disc(c, cx + std::cos(b) * (outer_r - 0.15f * len),
                cy + std::sin(b) * (outer_r - 0.15f * len), std::max(1.2f * c.px, 0.16f * half_w),
                p.glow, 0.9f);
    }
    stroke_circle(c, cx, cy, outer_r - len * 0.9f, 1.5f * c.px, mix(p.glow, col, 0.3f), 0.6f);
  }
  const rgb core = inks[(ink0 + static_cast<std::size_t>(rings)) % inks.size()];
  fill_disc(c, cx, cy, ring_step * 0.8f, core, 1.0f);
  stroke_circle(c, cx, cy, ring_step * 0.55f, 1.5f * c.px, p.glow, 0.8f);
  fill_disc(c, cx, cy, ring_step * 0.25f, p.glow, 1.0f);
}

// Jittered grid cut into triangles, coloured by a gradient plus soft blobs, lit by a fake light.
void draw_low_poly(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const int cols = 7 + r.below(6);
  const float cell = W / static_cast<float>(cols);
  const int rows = static_cast<int>(std::ceil(H / cell));
  // A spare ring of points so triangles reach past the edges.
  const int gw = cols + 3, gh = rows + 3;
  struct point {
    float x, y, z;
  };
  std::vector<point> pts(static_cast<std::size_t>(gw) * static_cast<std::size_t>(gh));
  for (int j = 0; j < gh; ++j) {
    for (int i = 0; i < gw; ++i) {
      pts[static_cast<std::size_t>(j * gw + i)] = {
          (static_cast<float>(i - 1) + r.range(-0.4f, 0.4f)) * cell,
          (static_cast<float>(j - 1) + r.range(-0.4f, 0.4f)) * cell, r.range(0.0f, 0.8f)};
    }
  }
  const float angle = r.range(0.0f, tau);
  const float gdx = std::cos(angle), gdy = std::sin(angle);
  struct blob {
    float x, y, inv_r2;
    rgb col;
  };
  std::array<blob, 3> blobs{};
  for (std::size_t k = 0; k < blobs.size(); ++k) {
    const float radius = c.unit * r.range(0.25f, 0.5f);
    blobs[k] = {W * r.unit(), H * r.unit(), 1.0f / (radius * radius), p.accent[k == 2 ? 3 : k]};
  }
  const auto field = [&](float x, float y) {
    const float t = clamp01(0.5f + ((x / W - 0.5f) * gdx + (y / H - 0.5f) * gdy));
    rgb col = mix(p.sky_top, p.sky_bottom, t);
    for (const blob& b : blobs) {
      const float q = ((x - b.x) * (x - b.x) + (y - b.y) * (y - b.y)) * b.inv_r2;
      col = mix(col, b.col, 0.85f * std::exp(-q));
    }
    return col;
  };
  // Light from the upper left; facets are shaded by their tilt.
  const float lx = -0.45f, ly = -0.6f, lz = 0.66f;

  struct tri {
    triangle_sdf sdf;
    pixel_box box;
    rgb col;
  };
  std::vector<tri> tris;
  tris.reserve(static_cast<std::size_t>(2 * (gw - 1) * (gh - 1)));
  const auto add = [&](const point& a, const point& b, const point& d) {
    const float e1x = (b.x - a.x) / cell, e1y = (b.y - a.y) / cell, e1z = b.z - a.z;
    const float e2x = (d.x - a.x) / cell, e2y = (d.y - a.y) / cell, e2z = d.z - a.z;
    float nx = e1y * e2z - e1z * e2y, ny = e1z * e2x - e1x * e2z, nz = e1x * e2y - e1y * e2x;
    const float len = std::sqrt(nx * nx + ny * ny + nz * nz);
    if (nz < 0.0f) nx = -nx, ny = -ny, nz = -nz;
    // Flat facets (normal == (0,0,1)) keep their colour; tilted ones brighten or darken.
    const float shade = 1.0f + 0.55f * ((nx * lx + ny * ly + nz * lz) / std::max(len, 1e-6f) - lz);
    const rgb col = clamp01(field((a.x + b.x + d.x) / 3.0f, (a.y + b.y + d.y) / 3.0f) * shade);
    tris.push_back({triangle_sdf(a.x, a.y, b.x, b.y, d.x, d.y),
                    bounds(c, std::min({a.x, b.x, d.x}), std::min({a.y, b.y, d.y}),
                           std::max({a.x, b.x, d.x}), std::max({a.y, b.y, d.y})),
                    col});
  };
  for (int j = 0; j + 1 < gh; ++j) {
    for (int i = 0; i + 1 < gw; ++i) {
      const point& a = pts[static_cast<std::size_t>(j * gw + i)];
      const point& b = pts[static_cast<std::size_t>(j * gw + i + 1)];
      const point& d = pts[static_cast<std::size_t>((j + 1) * gw + i)];
      const point& e = pts[static_cast<std::size_t>((j + 1) * gw + i + 1)];
      if (r.chance(0.5f)) {
        add(a, b, e);
        add(a, e, d);
      } else {
        add(a, b, d);
        add(b, e, d);
      }
    }
  }
  // Pass 1 fills slightly grown triangles so no background shows through; pass 2 then blends
  // the exact anti-aliased edges between neighbouring facets only.
  for (const tri& t : tris) {
    fill_sdf(c, t.box, t.col, 1.0f, 1.0f, blend::normal,
             [&](float x, float y) { return t.sdf(x, y) - 1.0f; });
  }
  for (const tri& t : tris) fill_sdf(c, t.box, t.col, 1.0f, 1.0f, blend::normal, t.sdf);
  add_glow(c, W * r.unit(), H * r.unit(), c.unit * 0.8f, p.glow, 0.15f);
}

// Poster grid of Bauhaus tiles (discs, half and quarter discs, triangles, rings, stripes, leaves).
void draw_bauhaus(canvas& c, const palette& p, rng& r) {
  const auto W = static_cast<float>(c.w), H = static_cast<float>(c.h);
  const rgb paper = mix(p.sky_bottom, rgb{0.96f, 0.94f, 0.89f}, 0.7f);
  fill_rect(c, 0.0f, 0.0f, W, H, paper);
  const std::array<rgb, 6> inks{p.accent[0], p.accent[1], p.accent[2],
                                p.accent[3], p.sky_top,   paper};
  const float margin = c.unit * r.range(0.05f, 0.08f);
  const int cols = 3 + r.below(3);
  const float cell_w = (W - 2.0f * margin) / static_cast<float>(cols);
  const int rows = std::max(1, static_cast<int>(std::lround((H - 2.0f * margin) / cell_w)));
  const float cell_h = (H - 2.0f * margin) / static_cast<float>(rows);
  std::vector<std::size_t> above(static_cast<std::size_t>(cols), inks.size());

  // One of the first `choices` inks, never `avoid` or `avoid2`, preferably contrasting `avoid`.
  const auto pick = [&](std::size_t avoid, std::size_t avoid2, std::size_t choices) {
    std::size_t best = choices;
    for (int attempt = 0; attempt < 8; ++attempt) {
      const auto k = static_cast<std::size_t>(r.below(static_cast<int>(choices)));
      if (k == avoid || k == avoid2) continue;
      best = k;
      if (avoid >= inks.size() || std::abs(luminance(inks[k]) - luminance(inks[avoid])) > 0.12f)
        break;
    }
    for (std::size_t k = 0; best == choices; ++k) {
      if (k != avoid && k != avoid2) best = k;
    }
    return best;
  };

  for (int j = 0; j < rows; ++j) {
    std::size_t left = inks.size();
    for (int i = 0; i < cols; ++i) {
      // Integer cell edges keep tiles flush with no seams between neighbours.
      const float x0 = std::round(margin + cell_w * static_cast<float>(i));
      const float x1 = std::round(margin + cell_w * static_cast<float>(i + 1));
      const float y0 = std::round(margin + cell_h * static_cast<float>(j));
      const float y1 = std::round(margin + cell_h * static_cast<float>(j + 1));
      const pixel_box clip{static_cast<int>(x0), static_cast<int>(y0), static_cast<int>(x1),
                           static_cast<int>(y1)};
      // Paper is no tile background: such tiles would merge with the margin.
      const std::size_t bg = pick(left, above[static_cast<std::size_t>(i)], inks.size() - 1);
      const std::size_t fg = pick(bg, bg, inks.size());
      const std::size_t fg2 = pick(fg, bg, inks.size());
      left = above[static_cast<std::size_t>(i)] = bg;
      fill_rect(c, x0, y0, x1, y1, inks[bg]);

      const float cw = x1 - x0, ch = y1 - y0, s = std::min(cw, ch);
      const float mx = 0.5f * (x0 + x1), my = 0.5f * (y0 + y1);
      const float corner_x = r.chance(0.5f) ? x0 : x1, corner_y = r.chance(0.5f) ? y0 : y1;
      const auto disc = [&](float px, float py, float radius, rgb col) {
        fill_sdf(c, clip, col, 1.0f, 1.0f, blend::normal, [=](float x, float y) {
          return std::sqrt((x - px) * (x - px) + (y - py) * (y - py)) - radius;
        });
      };
      switch (r.below(9)) {
        case 0:
          disc(mx, my, 0.36f * s, inks[fg]);
          break;
        case 1: {  // half disc rising from the middle of one side
          const std::array<std::array<float, 2>, 4> sides{{{x0, my}, {x1, my}, {mx, y0}, {mx, y1}}};
          const auto& side = sides[static_cast<std::size_t>(r.below(4))];
          disc(side[0], side[1], 0.5f * s, inks[fg]);
          break;
        }
        case 2:
          disc(corner_x, corner_y, s, inks[fg]);
          break;
        case 3: {
          const triangle_sdf tri(corner_x, corner_y, corner_x == x0 ? x1 : x0, corner_y, corner_x,
                                 corner_y == y0 ? y1 : y0);
          fill_sdf(c, clip, inks[fg], 1.0f, 1.0f, blend::normal, tri);
          break;
        }
        case 4:
          disc(mx, my, 0.42f * s, inks[fg]);
          disc(mx, my, 0.28f * s, inks[fg2]);
          disc(mx, my, 0.14f * s, inks[fg]);
          break;
        case 5: {
          const bool vertical = r.chance(0.5f);
          const float period = (vertical ? cw : ch) / static_cast<float>(3 + r.below(3));
          const float origin = vertical ? x0 : y0;
          fill_sdf(c, clip, inks[fg], 1.0f, 1.0f, blend::normal, [=](float x, float y) {
            const float u = ((vertical ? x : y) - origin) / period;
            return (std::abs(u - std::floor(u) - 0.5f) - 0.25f) * period;
          });
          break;
        }
        case 6: {  // leaf: two quarter discs from opposite corners
          const float ox = corner_x == x0 ? x1 : x0, oy = corner_y == y0 ? y1 : y0;
          fill_sdf(c, clip, inks[fg], 1.0f, 1.0f, blend::normal, [=](float x, float y) {
            const float d1 =
                std::sqrt((x - corner_x) * (x - corner_x) + (y - corner_y) * (y - corner_y));
            const float d2 = std::sqrt((x - ox) * (x - ox) + (y - oy) * (y - oy));
            return std::max(d1, d2) - s;
          });
          break;
        }
        case 7:
          disc(mx, y1, 0.5f * s, inks[fg]);
          disc(mx, my - 0.12f * s, 0.16f * s, inks[fg2]);
          break;
        default:
          break;  // a plain tile gives the grid room to breathe
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Finishing: vignette, grain, quantisation
// ---------------------------------------------------------------------------------------------

demo_art_image finish(const canvas& c, float vignette, std::uint64_t seed) {
  demo_art_image img;
  img.width = c.w;
  img.height = c.h;
  img.rgb.resize(static_cast<std::size_t>(c.w) * static_cast<std::size_t>(c.h) * 3);
  std::vector<float> dx2(static_cast<std::size_t>(c.w));
  for (int x = 0; x < c.w; ++x) {
    const float u = (static_cast<float>(x) + 0.5f) / static_cast<float>(c.w) * 2.0f - 1.0f;
    dx2[static_cast<std::size_t>(x)] = u * u;
  }
  const auto grain_seed = static_cast<std::uint32_t>(seed);
  // Triangular noise of +-2.5 levels: dithers away gradient banding and reads as fine film grain.
  constexpr float grain = 2.5f;
  std::uint8_t* out = img.rgb.data();
  for (int y = 0; y < c.h; ++y) {
    const float v = (static_cast<float>(y) + 0.5f) / static_cast<float>(c.h) * 2.0f - 1.0f;
    const float dy2 = v * v;
    const rgb* row = c.row(y);
    const std::uint32_t row_seed = grain_seed ^ (static_cast<std::uint32_t>(y) * 0x9e3779b1U);
    for (int x = 0; x < c.w; ++x) {
      const float q = 0.5f * (dx2[static_cast<std::size_t>(x)] + dy2);  // 0 centre .. 1 corners
      const float shade = 255.0f * (1.0f - vignette * q * q);
      const std::uint32_t h = hash32(row_seed + static_cast<std::uint32_t>(x) * 0x85ebca77U);
      // The sum of two 16-bit uniforms is triangular on [-1, 1]; +0.5 makes the cast round.
      const int sum = static_cast<int>(h & 0xffffU) + static_cast<int>(h >> 16) - 65535;
      const float noise = static_cast<float>(sum) * (grain / 65535.0f) + 0.5f;
      *out++ = static_cast<std::uint8_t>(std::clamp(row[x].r * shade + noise, 0.0f, 255.0f));
      *out++ = static_cast<std::uint8_t>(std::clamp(row[x].g * shade + noise, 0.0f, 255.0f));
      *out++ = static_cast<std::uint8_t>(std::clamp(row[x].b * shade + noise, 0.0f, 255.0f));
    }
  }
  return img;
}

}  // namespace

demo_art_image render_demo_art(std::string_view prompt, int width, int height) {
  width = std::clamp(width, demo_art_min_size, demo_art_max_size);
  height = std::clamp(height, demo_art_min_size, demo_art_max_size);
  const traits t = analyse(normalise(prompt));
  canvas c(width, height);
  rng r(mix64(t.seed + 1));
  float vignette = 0.35f;
  switch (t.comp) {
    case composition::landscape:
    case composition::forest:  // analyse() set t.land to terrain::forest
      draw_landscape(c, t.pal, r, t.land);
      break;
    case composition::ocean:
      draw_ocean(c, t.pal, r);
      break;
    case composition::space:
      draw_space(c, t.pal, r, t.planet);
      break;
    case composition::city:
      draw_city(c, t.pal, r);
      break;
    case composition::bokeh:
      draw_bokeh(c, t.pal, r);
      break;
    case composition::bands:
      draw_bands(c, t.pal, r);
      break;
    case composition::burst:
      draw_burst(c, t.pal, r);
      break;
    case composition::low_poly:
      draw_low_poly(c, t.pal, r);
      break;
    case composition::bauhaus:
      draw_bauhaus(c, t.pal, r);
      vignette = 0.12f;
      break;
  }
  return finish(c, vignette, t.seed);
}

}  // namespace visionary::providers
