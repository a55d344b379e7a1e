#include "providers/demo/demo_art.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "providers/demo/abstract.hpp"
#include "providers/demo/canvas.hpp"
#include "providers/demo/city.hpp"
#include "providers/demo/geometric.hpp"
#include "providers/demo/landscape.hpp"
#include "providers/demo/prompt_analysis.hpp"
#include "providers/demo/random.hpp"
#include "providers/demo/space.hpp"

namespace visionary::providers {
namespace {

using demo::canvas;
using demo::composition;
using demo::rgb;

// Paints the scene's composition and returns the vignette strength that suits it.
float paint_composition(canvas& c, const demo::scene_description& scene, demo::rng& r) {
  switch (scene.comp) {
    case composition::landscape:
    case composition::forest:  // analyse_prompt() set scene.land to terrain::forest
      demo::draw_landscape(c, scene.pal, r, scene.land);
      break;
    case composition::ocean:
      demo::draw_ocean(c, scene.pal, r);
      break;
    case composition::space:
      demo::draw_space(c, scene.pal, r, scene.planet);
      break;
    case composition::city:
      demo::draw_city(c, scene.pal, r);
      break;
    case composition::bokeh:
      demo::draw_bokeh(c, scene.pal, r);
      break;
    case composition::bands:
      demo::draw_bands(c, scene.pal, r);
      break;
    case composition::burst:
      demo::draw_burst(c, scene.pal, r);
      break;
    case composition::low_poly:
      demo::draw_low_poly(c, scene.pal, r);
      break;
    case composition::bauhaus:
      demo::draw_bauhaus(c, scene.pal, r);
      return 0.12f;  // a flat poster: a strong vignette would look like a printing fault
  }
  return 0.35f;
}

// Finishing: vignette, film grain and quantisation to 8-bit sRGB bytes.
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
      const std::uint32_t h = demo::hash32(row_seed + static_cast<std::uint32_t>(x) * 0x85ebca77U);
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
  const demo::scene_description scene = demo::analyse_prompt(demo::normalise_prompt(prompt));
  canvas c(width, height);
  demo::rng r(demo::mix64(scene.seed + 1));
  const float vignette = paint_composition(c, scene, r);
  return finish(c, vignette, scene.seed);
}

}  // namespace visionary::providers
