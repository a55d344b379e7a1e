#include "providers/demo/demo_art.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

using visionary::providers::demo_art_image;
using visionary::providers::render_demo_art;

// Small canvases keep the suite fast; every composition is resolution-independent.
constexpr int test_size = 192;

double mean_abs_diff(const demo_art_image& a, const demo_art_image& b) {
  double sum = 0.0;
  for (std::size_t i = 0; i < a.rgb.size(); ++i) sum += std::abs(int{a.rgb[i]} - int{b.rgb[i]});
  return sum / static_cast<double>(a.rgb.size());
}

double channel_mean(const demo_art_image& img, std::size_t channel) {
  double sum = 0.0;
  for (std::size_t i = channel; i < img.rgb.size(); i += 3) sum += img.rgb[i];
  return sum / static_cast<double>(img.rgb.size() / 3);
}

// Variance of the per-pixel channel sum: near zero for a flat image however it is coloured.
double brightness_variance(const demo_art_image& img) {
  const std::size_t n = img.rgb.size() / 3;
  double sum = 0.0, sum_sq = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(img.rgb[3 * i]) + img.rgb[3 * i + 1] + img.rgb[3 * i + 2];
    sum += v;
    sum_sq += v * v;
  }
  const double mean = sum / static_cast<double>(n);
  return sum_sq / static_cast<double>(n) - mean * mean;
}

// Prompts that between them reach every composition and several palettes.
const std::vector<std::string> varied_prompts{"snowy mountains at sunrise",
                                              "golden desert dunes",
                                              "misty pine forest",
                                              "stormy ocean waves",
                                              "a galaxy far away",
                                              "a quiet night",
                                              "cyberpunk city at night",
                                              "abstract bokeh lights",
                                              "flowing silk",
                                              "a red rose, red sky",
                                              "low poly crystal",
                                              "bauhaus shapes",
                                              "a red fox. Oil painting_with #hash?",
                                              "black and white"};

TEST(DemoArt, SamePromptGivesIdenticalBytes) {
  for (const auto& prompt : varied_prompts) {
    const auto first = render_demo_art(prompt, test_size, test_size);
    const auto second = render_demo_art(prompt, test_size, test_size);
    EXPECT_EQ(first.rgb, second.rgb) << prompt;
  }
}

TEST(DemoArt, CaseAndWhitespaceDoNotMatter) {
  const auto reference = render_demo_art("a red fox in the snow", test_size, test_size);
  for (const std::string variant :
       {"  A Red Fox in the SNOW\t\n", "a red fox in the snow ", "\va RED fox  in   the snow"}) {
    EXPECT_EQ(render_demo_art(variant, test_size, test_size).rgb, reference.rgb)
        << '"' << variant << '"';
  }
}

TEST(DemoArt, DifferentPromptsLookDifferent) {
  struct prompt_pair {
    const char* a;
    const char* b;
    double min_diff;  // mean absolute difference per byte, 0..255
  };
  const std::array<prompt_pair, 8> pairs{{
      {"a red fox in the snow", "a lighthouse on a cliff", 30.0},
      {"a cat", "a dog", 30.0},
      {"flowing silk", "a galaxy far away", 30.0},
      // A word or character apart keeps palette and composition, but must still move the shapes.
      {"snowy mountains", "snowy mountain", 8.0},
      {"misty pine forest", "misty pine forest at noon", 8.0},
      {"sunset over the sea", "sunset over the sea!", 8.0},
      {"bauhaus shapes", "bauhaus shapes 2", 8.0},
      {"", "x", 8.0},
  }};
  for (const auto& p : pairs) {
    const double diff = mean_abs_diff(render_demo_art(p.a, test_size, test_size),
                                      render_demo_art(p.b, test_size, test_size));
    EXPECT_GT(diff, p.min_diff) << '"' << p.a << "\" vs \"" << p.b << '"';
  }
}

TEST(DemoArt, BufferMatchesRequestedSize) {
  const std::array<std::array<int, 2>, 7> sizes{
      {{64, 64}, {1024, 1024}, {1536, 1024}, {1024, 1536}, {100, 333}, {2048, 64}, {64, 2048}}};
  for (const auto& [w, h] : sizes) {
    const auto img = render_demo_art("cyberpunk city at night", w, h);
    EXPECT_EQ(img.width, w);
    EXPECT_EQ(img.height, h);
    EXPECT_EQ(img.rgb.size(), static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3)
        << w << 'x' << h;
  }
}

TEST(DemoArt, OutOfRangeSizesAreClamped) {
  const auto small = render_demo_art("ocean", 0, -5);
  EXPECT_EQ(small.width, 64);
  EXPECT_EQ(small.height, 64);
  EXPECT_EQ(small.rgb.size(), std::size_t{64 * 64 * 3});

  const auto large = render_demo_art("ocean", 10, 5000);
  EXPECT_EQ(large.width, 64);
  EXPECT_EQ(large.height, 2048);
  EXPECT_EQ(large.rgb.size(), std::size_t{64 * 2048 * 3});
}

TEST(DemoArt, ImagesAreNotFlat) {
  for (const auto& prompt : varied_prompts) {
    // A standard deviation of ~40 levels in the channel sum: structure, not a wash (a flat fill
    // plus the vignette and grain stays near 500).
    EXPECT_GT(brightness_variance(render_demo_art(prompt, test_size, test_size)), 1600.0) << prompt;
  }
}

TEST(DemoArt, ColourWordsSteerThePalette) {
  const auto red = render_demo_art("a red rose, red sky", test_size, test_size);
  const auto blue = render_demo_art("a blue ocean, deep blue", test_size, test_size);
  EXPECT_GT(channel_mean(red, 0), channel_mean(blue, 0) + 25.0);
  EXPECT_GT(channel_mean(blue, 2), channel_mean(red, 2) + 25.0);

  // The same holds whatever composition the rest of the prompt picks: the red-minus-blue
  // balance moves clearly towards the named colour.
  for (const std::string rest :
       {"mountains", "ocean", "city", "galaxy", "low poly", "silk", "forest at night", ""}) {
    const auto r = render_demo_art("red " + rest, test_size, test_size);
    const auto b = render_demo_art("blue " + rest, test_size, test_size);
    const double red_balance = channel_mean(r, 0) - channel_mean(r, 2);
    const double blue_balance = channel_mean(b, 0) - channel_mean(b, 2);
    EXPECT_GT(red_balance, blue_balance + 30.0) << '"' << rest << '"';
  }
}

TEST(DemoArt, EmptyPromptRendersSomethingDeterministic) {
  const auto empty = render_demo_art("", test_size, test_size);
  ASSERT_EQ(empty.rgb.size(), std::size_t{test_size * test_size * 3});
  EXPECT_GT(brightness_variance(empty), 1600.0);
  EXPECT_EQ(render_demo_art("", test_size, test_size).rgb, empty.rgb);
  EXPECT_EQ(render_demo_art(" \t\n ", test_size, test_size).rgb, empty.rgb);
}

}  // namespace
