#include "providers/demo/prompt_analysis.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

#include "providers/demo/random.hpp"

namespace visionary::providers::demo {
namespace {

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

constexpr std::string_view smooth_terrain_words =
    "desert dune dunes sand hills hill valley meadow field fields countryside";
constexpr std::string_view jagged_terrain_words =
    "mountain mountains peak peaks alps canyon rocky cliffs";
constexpr std::string_view planet_words = "planet moon saturn jupiter mars world";

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_word_char(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80;
}

// prompt_words plus the bookkeeping only needed while scanning.
struct word_scan {
  prompt_words found;
  int theme_priority = -1;
  std::vector<const colour_group*> named;  // identity, so synonyms (gold/golden) count once
};

void note_theme(word_scan& scan, std::string_view word) {
  for (const auto& g : themes) {
    if (g.priority > scan.theme_priority && listed(g.words, word)) {
      scan.found.theme = g.pal;
      scan.theme_priority = g.priority;
    }
  }
}

void note_scene(word_scan& scan, std::string_view word) {
  for (const auto& g : scenes) {
    if (g.priority > scan.found.scene_priority && listed(g.words, word)) {
      scan.found.scene = g.comp;
      scan.found.scene_priority = g.priority;
    }
  }
}

void note_colour(word_scan& scan, std::string_view word) {
  for (const auto& g : colours) {
    if (scan.named.size() < 4 && listed(g.words, word) &&
        std::find(scan.named.begin(), scan.named.end(), &g) == scan.named.end()) {
      scan.named.push_back(&g);
    }
  }
}

void note_word(word_scan& scan, std::string_view word) {
  note_theme(scan, word);
  note_scene(scan, word);
  note_colour(scan, word);
  prompt_words& f = scan.found;
  // Black and white set how light the picture is rather than a hue.
  f.wants_dark = f.wants_dark || word == "black" || word == "dark";
  f.wants_white = f.wants_white || word == "white";
  f.smooth_terrain_votes += listed(smooth_terrain_words, word) ? 1 : 0;
  f.jagged_terrain_votes += listed(jagged_terrain_words, word) ? 1 : 0;
  f.names_planet = f.names_planet || listed(planet_words, word);
}

// The random draws below happen in a fixed order (palette, composition, terrain, planet): the
// picture of every prompt depends on it.
palette choose_palette(const prompt_words& words, rng& r) {
  if (words.theme != nullptr) {
    return themed_palette(*words.theme, words.colours, words.wants_dark, words.wants_white);
  }
  if (words.colours.empty() && !words.wants_dark && !words.wants_white) return hash_palette(r);
  return colour_palette(words.colours, words.wants_dark, words.wants_white, r);
}

composition choose_composition(const prompt_words& words, rng& r) {
  if (words.scene_priority < 0) {
    return abstract_compositions[static_cast<std::size_t>(
        r.below(static_cast<int>(abstract_compositions.size())))];
  }
  if (words.scene_priority == 0)
    return r.chance(0.5f) ? composition::ocean : composition::landscape;
  return words.scene;
}

terrain choose_terrain(const prompt_words& words, composition comp, rng& r) {
  if (comp == composition::forest) return terrain::forest;
  if (words.smooth_terrain_votes != words.jagged_terrain_votes) {
    return words.smooth_terrain_votes > words.jagged_terrain_votes ? terrain::hills
                                                                   : terrain::mountains;
  }
  return r.chance(0.6f) ? terrain::mountains : terrain::hills;
}

}  // namespace

std::string normalise_prompt(std::string_view prompt) {
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

prompt_words read_prompt_words(std::string_view text) {
  word_scan scan;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_word_char(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && is_word_char(text[j])) ++j;
    note_word(scan, text.substr(i, j - i));
    i = j;
  }
  for (const colour_group* g : scan.named) scan.found.colours.push_back(g->colour);
  return scan.found;
}

scene_description analyse_prompt(std::string_view text) {
  scene_description scene;
  // A fixed seed for the empty prompt; otherwise every character (hence every word) matters.
  scene.seed = mix64(fnv1a(text) ^ 0x5eedda7aull);
  rng r(scene.seed);
  const prompt_words words = read_prompt_words(text);
  scene.pal = choose_palette(words, r);
  scene.comp = choose_composition(words, r);
  scene.land = choose_terrain(words, scene.comp, r);
  // A planet word always shows one; otherwise some space scenes get one anyway.
  scene.planet = words.names_planet || r.chance(0.4f);
  return scene;
}

}  // namespace visionary::providers::demo
