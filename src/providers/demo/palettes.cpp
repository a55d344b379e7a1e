#include "providers/demo/palettes.hpp"

#include <algorithm>
#include <cstddef>

namespace visionary::providers::demo {

bool is_dark(const palette& p) {
  return luminance(p.sky_top) < 0.2f && luminance(p.sky_bottom) < 0.3f;
}

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

palette themed_palette(palette theme, const std::vector<rgb>& hues, bool black, bool white_word) {
  if (!hues.empty()) {
    theme.sky_top = retint(theme.sky_top, hues[0], 0.65f);
    theme.sky_bottom = retint(theme.sky_bottom, hues[0], 0.65f);
    for (std::size_t k = 0; k < theme.accent.size(); ++k) {
      // With a single colour, the secondary accent keeps some of the theme for variety.
      const float amount = hues.size() == 1 && k == 1 ? 0.45f : 0.9f;
      theme.accent[k] = retint(theme.accent[k], hues[k % hues.size()], amount);
    }
    theme.glow = retint(theme.glow, hues[0], 0.3f);
  }
  if (black) {
    theme.sky_top = theme.sky_top * 0.45f;
    theme.sky_bottom = theme.sky_bottom * 0.45f;
  }
  if (white_word) {
    theme.sky_top = mix(theme.sky_top, white, 0.45f);
    theme.sky_bottom = mix(theme.sky_bottom, white, 0.45f);
  }
  return theme;
}

}  // namespace visionary::providers::demo
