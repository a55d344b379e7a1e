// Prompt analysis for the demo painter: normalises the prompt and reads its words into a scene
// description (seed, palette, composition, terrain). Thread-safe: pure functions, constant tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "providers/demo/colour.hpp"
#include "providers/demo/palettes.hpp"

namespace visionary::providers::demo {

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

enum class terrain { mountains, hills, forest };

struct scene_description {
  std::uint64_t seed = 0;  // seeds every later random decision
  palette pal{};
  composition comp = composition::bokeh;
  terrain land = terrain::mountains;  // ridge shape for landscapes (forest for composition::forest)
  bool planet = false;                // space scenes show a planet

  bool operator==(const scene_description&) const = default;
};

// What the prompt's words ask for, before any random choice.
struct prompt_words {
  const palette* theme = nullptr;  // palette of the strongest lighting/season/place word, if any
  composition scene = composition::bokeh;  // composition of the strongest scene word
  int scene_priority = -1;       // -1: no scene word; 0: only a time of day (land or sea is open)
  std::vector<rgb> colours;      // distinct named colours in prompt order, at most 4
  bool wants_dark = false;       // "black" or "dark"
  bool wants_white = false;      // "white"
  int smooth_terrain_votes = 0;  // words like dunes, hills, meadow
  int jagged_terrain_votes = 0;  // words like mountain, peaks, canyon
  bool names_planet = false;     // planet, moon, saturn...
};

// Trim, ASCII-lowercase and collapse whitespace runs so formatting never changes the picture.
std::string normalise_prompt(std::string_view prompt);

// Scans the whole words of a normalised prompt. Words are runs of a-z, 0-9 and bytes >= 0x80 (so
// UTF-8 words stay whole; they match nothing, but do no harm).
prompt_words read_prompt_words(std::string_view normalised);

// The scene for a normalised prompt: the words decide what they name, a hash of the text decides
// the rest. Same text, same scene; the empty prompt gets a fixed scene.
scene_description analyse_prompt(std::string_view normalised);

}  // namespace visionary::providers::demo
