#include "providers/demo/prompt_analysis.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "providers/demo/colour.hpp"
#include "providers/demo/palettes.hpp"

namespace visionary::providers::demo {

// Readable failure messages for colour comparisons.
void PrintTo(const rgb& c, std::ostream* os) {
  *os << "rgb{" << c.r << ", " << c.g << ", " << c.b << "}";
}

}  // namespace visionary::providers::demo

namespace {

using visionary::providers::demo::analyse_prompt;
using visionary::providers::demo::composition;
using visionary::providers::demo::normalise_prompt;
using visionary::providers::demo::palette;
using visionary::providers::demo::read_prompt_words;
using visionary::providers::demo::rgb;
using visionary::providers::demo::scene_description;
using visionary::providers::demo::terrain;
namespace demo = visionary::providers::demo;

// What render_demo_art does with a raw prompt.
scene_description analyse(std::string_view prompt) {
  return analyse_prompt(normalise_prompt(prompt));
}

bool is_abstract(composition comp) {
  return comp == composition::bokeh || comp == composition::bands || comp == composition::burst ||
         comp == composition::low_poly || comp == composition::bauhaus;
}

// Hues are in turns, so 0.99 and 0.01 are close.
float hue_distance(float a, float b) {
  const float d = std::abs(a - b);
  const float wrapped = d - std::floor(d);
  return std::min(wrapped, 1.0f - wrapped);
}

// The colour table's entries for the words the tests use.
constexpr rgb red{0.85f, 0.12f, 0.15f};
constexpr rgb blue{0.15f, 0.35f, 0.85f};
constexpr rgb green{0.20f, 0.65f, 0.30f};
constexpr rgb gold{0.95f, 0.72f, 0.20f};
constexpr rgb yellow{0.98f, 0.85f, 0.20f};
constexpr rgb grey{0.50f, 0.50f, 0.52f};
constexpr rgb silver{0.75f, 0.76f, 0.80f};

TEST(DemoPromptAnalysis, NormaliseTrimsLowercasesAndCollapsesWhitespace) {
  EXPECT_EQ(normalise_prompt("  A Red\t\tFOX \n in  the SNOW\v"), "a red fox in the snow");
  EXPECT_EQ(normalise_prompt(""), "");
  EXPECT_EQ(normalise_prompt(" \t\n\r\f\v "), "");
  // Only ASCII letters are lowercased: UTF-8 and punctuation pass through unchanged.
  EXPECT_EQ(normalise_prompt("CAF\xc3\x89, \xc3\x96lbild!"), "caf\xc3\x89, \xc3\x96lbild!");
}

TEST(DemoPromptAnalysis, SpaceWordsPickTheSpaceComposition) {
  for (const char* prompt :
       {"a galaxy far away", "nebula", "the cosmos", "deep space", "a distant planet",
        "the universe", "Galaxy!", "a quiet night", "stars above", "starry sky", "full moon"}) {
    EXPECT_EQ(analyse(prompt).comp, composition::space) << prompt;
  }
  EXPECT_EQ(analyse("a galaxy far away").pal, demo::space_palette);
  EXPECT_EQ(analyse("cosmic nebula").pal, demo::space_palette);
  // Night words alone ask for a night sky over space, not the space palette.
  EXPECT_EQ(analyse("a quiet night").pal, demo::night_palette);
  EXPECT_EQ(analyse("stars above").pal, demo::night_palette);
}

TEST(DemoPromptAnalysis, PlanetWordsAlwaysShowAPlanet) {
  for (const char* prompt : {"a distant planet", "the moon over a galaxy", "saturn in space",
                             "jupiter nebula", "mars", "another world"}) {
    EXPECT_TRUE(analyse(prompt).planet) << prompt;
  }
  // Without such a word the hash decides, so some space scenes have none.
  bool some_without = false;
  for (int i = 0; i < 20; ++i) some_without |= !analyse("nebula " + std::to_string(i)).planet;
  EXPECT_TRUE(some_without);
}

TEST(DemoPromptAnalysis, PlaceWordsPickTheirComposition) {
  struct expectation {
    const char* prompt;
    composition comp;
  };
  const std::vector<expectation> cases{
      {"cyberpunk city at night", composition::city},
      {"old town street", composition::city},
      {"stormy ocean waves", composition::ocean},
      {"a dog running on the beach", composition::ocean},
      {"misty pine forest", composition::forest},
      {"snowy mountains at sunrise", composition::landscape},
      {"golden desert dunes", composition::landscape},
      {"mandala flower", composition::burst},
      {"abstract bokeh lights", composition::bokeh},
      {"flowing silk ribbons", composition::bands},
      {"low poly crystal", composition::low_poly},
      {"bauhaus shapes", composition::bauhaus},
  };
  for (const auto& c : cases) EXPECT_EQ(analyse(c.prompt).comp, c.comp) << c.prompt;
}

TEST(DemoPromptAnalysis, StrongerWordsWinWhateverTheirOrder) {
  // Scenes: city > ocean > forest > landscape > space > abstract hints > night > time of day.
  EXPECT_EQ(analyse("a city by the ocean").comp, composition::city);
  EXPECT_EQ(analyse("the ocean by a city").comp, composition::city);
  EXPECT_EQ(analyse("flowers in the forest").comp, composition::forest);
  EXPECT_EQ(analyse("starry night over the mountains").comp, composition::landscape);
  EXPECT_EQ(analyse("a galaxy of flowers").comp, composition::space);

  // Palettes: lighting outranks seasons, which outrank places, so a forest at night is dark.
  const scene_description night_forest = analyse("forest at night");
  EXPECT_EQ(night_forest.comp, composition::forest);
  EXPECT_EQ(night_forest.land, terrain::forest);
  EXPECT_EQ(night_forest.pal, demo::night_palette);
  EXPECT_EQ(analyse("a sunset in winter").pal, demo::sunset_palette);
  EXPECT_EQ(analyse("winter sunset").pal, demo::sunset_palette);
  EXPECT_EQ(analyse("a winter forest").pal, demo::snow_palette);
  EXPECT_EQ(analyse("cyberpunk city by the ocean").pal, demo::neon_palette);
  // Equal priority: the first word keeps the palette.
  EXPECT_EQ(analyse("stars over the desert").pal, demo::night_palette);
  EXPECT_EQ(analyse("desert under the stars").pal, demo::desert_palette);
}

TEST(DemoPromptAnalysis, TimeOfDayAloneLeavesLandOrSeaToTheHash) {
  std::set<composition> seen;
  for (int i = 0; i < 20; ++i) {
    const composition comp = analyse("sunset " + std::to_string(i)).comp;
    EXPECT_TRUE(comp == composition::ocean || comp == composition::landscape) << i;
    seen.insert(comp);
  }
  EXPECT_EQ(seen.size(), 2u);
}

TEST(DemoPromptAnalysis, TerrainFollowsItsWords) {
  EXPECT_EQ(analyse("golden desert dunes").land, terrain::hills);
  EXPECT_EQ(analyse("rolling hills and a meadow").land, terrain::hills);
  EXPECT_EQ(analyse("rocky mountain peaks").land, terrain::mountains);
  EXPECT_EQ(analyse("a canyon").land, terrain::mountains);
  // More smooth words than jagged ones wins, in either order.
  EXPECT_EQ(analyse("mountain valley meadow").land, terrain::hills);
  EXPECT_EQ(analyse("dunes below the alps and peaks").land, terrain::mountains);
  EXPECT_EQ(analyse("misty pine forest").land, terrain::forest);
}

TEST(DemoPromptAnalysis, ColourWordsAreCollectedInOrderOnce) {
  EXPECT_EQ(read_prompt_words("a red rose and a blue sky, red again").colours,
            (std::vector<rgb>{red, blue}));
  // Synonyms are one colour.
  EXPECT_EQ(read_prompt_words("gold and golden yellow").colours, (std::vector<rgb>{gold, yellow}));
  EXPECT_EQ(read_prompt_words("grey gray silver").colours, (std::vector<rgb>{grey, silver}));
  // At most four.
  const auto many = read_prompt_words("red blue green yellow purple pink").colours;
  EXPECT_EQ(many, (std::vector<rgb>{red, blue, green, yellow}));
  EXPECT_TRUE(read_prompt_words("a cat").colours.empty());
}

TEST(DemoPromptAnalysis, ColourWordsPickThePaletteHue) {
  struct named_colour {
    const char* word;
    rgb colour;
  };
  for (const auto& [word, colour] :
       {named_colour{"red", red}, named_colour{"blue", blue}, named_colour{"green", green},
        named_colour{"yellow", yellow}}) {
    const scene_description scene = analyse(std::string("a ") + word + " cat");
    // Without a theme the first colour leads the primary accent and the whole sky.
    const float hue = demo::to_hsl(colour).h;
    EXPECT_LT(hue_distance(demo::to_hsl(scene.pal.accent[0]).h, hue), 0.01f) << word;
    EXPECT_LT(hue_distance(demo::to_hsl(scene.pal.sky_top).h, hue), 0.01f) << word;
    EXPECT_LT(hue_distance(demo::to_hsl(scene.pal.sky_bottom).h, hue + 0.03f), 0.01f) << word;
  }
}

TEST(DemoPromptAnalysis, ColourWordsRetintATheme) {
  const palette sunset = analyse("sunset").pal;
  const palette blue_sunset = analyse("blue sunset").pal;
  ASSERT_EQ(sunset, demo::sunset_palette);
  EXPECT_GT(demo::sunset_palette.sky_bottom.r, demo::sunset_palette.sky_bottom.b);
  EXPECT_GT(blue_sunset.sky_bottom.b, blue_sunset.sky_bottom.r);
  EXPECT_GT(blue_sunset.accent[0].b, blue_sunset.accent[0].r);
  // The theme's light/dark structure survives: the zenith stays darker than the horizon.
  EXPECT_LT(demo::luminance(blue_sunset.sky_top), demo::luminance(blue_sunset.sky_bottom));
}

TEST(DemoPromptAnalysis, BlackAndWhiteSetTheLightness) {
  EXPECT_TRUE(read_prompt_words("black cat").wants_dark);
  EXPECT_TRUE(read_prompt_words("a dark room").wants_dark);
  EXPECT_FALSE(read_prompt_words("a dark room").wants_white);
  EXPECT_TRUE(read_prompt_words("white cat").wants_white);

  // Without a theme: a near-black or near-white grey sky.
  EXPECT_LT(demo::luminance(analyse("black").pal.sky_top), 0.05f);
  EXPECT_GT(demo::luminance(analyse("white").pal.sky_top), 0.75f);
  // With a theme: the theme's sky, darkened or washed out.
  const palette dark_forest = analyse("dark forest").pal;
  EXPECT_EQ(dark_forest.sky_top, demo::forest_palette.sky_top * 0.45f);
  EXPECT_EQ(dark_forest.sky_bottom, demo::forest_palette.sky_bottom * 0.45f);
  EXPECT_EQ(dark_forest.accent, demo::forest_palette.accent);
  const palette white_snow = analyse("white snow").pal;
  EXPECT_EQ(white_snow.sky_top, demo::mix(demo::snow_palette.sky_top, demo::white, 0.45f));
  EXPECT_EQ(white_snow.glow, demo::snow_palette.glow);
}

TEST(DemoPromptAnalysis, OnlyWholeWordsMatch) {
  const auto words = read_prompt_words("spaceship starship redwood nightfall");
  EXPECT_EQ(words.theme, nullptr);
  EXPECT_EQ(words.scene_priority, -1);
  EXPECT_TRUE(words.colours.empty());
  EXPECT_FALSE(words.names_planet);
  // Punctuation separates words; UTF-8 bytes are part of a word (so "nighté" is no "night").
  EXPECT_EQ(read_prompt_words("red,blue;(night)").colours, (std::vector<rgb>{red, blue}));
  EXPECT_EQ(read_prompt_words("red,blue;(night)").theme, &demo::night_palette);
  EXPECT_EQ(read_prompt_words("night\xc3\xa9").theme, nullptr);
  EXPECT_EQ(read_prompt_words("caf\xc3\xa9 night").theme, &demo::night_palette);
}

TEST(DemoPromptAnalysis, SamePromptGivesTheSameAnalysis) {
  for (const char* prompt : {"", "a cat", "forest at night", "blue sunset", "a galaxy far away",
                             "\xe6\x9d\xb1\xe4\xba\xac neon"}) {
    EXPECT_EQ(analyse(prompt), analyse(prompt)) << prompt;
  }
  // Case and spacing are normalised away before the hash.
  EXPECT_EQ(analyse("  Forest AT\tNight "), analyse("forest at night"));
  // Any other change reshuffles the seed (and so every random choice).
  EXPECT_NE(analyse("a cat").seed, analyse("a cat!").seed);
  EXPECT_NE(analyse("a cat").seed, analyse("a dog").seed);
}

TEST(DemoPromptAnalysis, PromptsWithoutSceneWordsGetAnAbstractComposition) {
  std::set<composition> seen;
  for (int i = 0; i < 40; ++i) {
    const composition comp = analyse("a cat " + std::to_string(i)).comp;
    EXPECT_TRUE(is_abstract(comp)) << i;
    seen.insert(comp);
  }
  EXPECT_EQ(seen.size(), 5u);  // the hash reaches every abstract composition
  // Without a theme or colour word the palette comes from the hash: two prompts, two palettes.
  EXPECT_NE(analyse("a cat").pal, analyse("a dog").pal);
}

TEST(DemoPromptAnalysis, EmptyPromptIsHandled) {
  const auto words = read_prompt_words("");
  EXPECT_EQ(words.theme, nullptr);
  EXPECT_EQ(words.scene_priority, -1);
  EXPECT_TRUE(words.colours.empty());
  EXPECT_FALSE(words.wants_dark || words.wants_white || words.names_planet);
  EXPECT_EQ(words.smooth_terrain_votes + words.jagged_terrain_votes, 0);

  const scene_description empty = analyse("");
  EXPECT_TRUE(is_abstract(empty.comp));
  EXPECT_EQ(analyse(" \t\n "), empty);
  EXPECT_NE(empty.seed, analyse("x").seed);
  // Punctuation alone has no words either, but is still a different prompt.
  EXPECT_EQ(read_prompt_words("?!, ...").scene_priority, -1);
  EXPECT_NE(analyse("?!, ...").seed, empty.seed);
}

}  // namespace
