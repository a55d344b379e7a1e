#include "core/suggestions.hpp"

#include <array>
#include <random>
#include <string_view>

namespace visionary::core {
namespace {

constexpr std::array<std::string_view, 20> subjects = {"A lighthouse on a windswept cliff",
                                                       "A red fox curled up in fresh snow",
                                                       "An old tram climbing a narrow street",
                                                       "A koi pond under cherry blossoms",
                                                       "A lone astronaut tending a greenhouse",
                                                       "A paper boat sailing a rain gutter",
                                                       "A jazz trio in a smoky basement club",
                                                       "A hot-air balloon over lavender fields",
                                                       "A sleepy dragon guarding a library",
                                                       "A lantern-lit night market",
                                                       "A mountain cabin with a glowing window",
                                                       "A whale swimming through clouds",
                                                       "A robot watering sunflowers",
                                                       "A castle built on a giant tortoise",
                                                       "A bicycle leaning against a bakery",
                                                       "An owl reading by candlelight",
                                                       "A desert caravan at the edge of a storm",
                                                       "A floating island with waterfalls",
                                                       "A cat napping on a stack of vinyl records",
                                                       "A neon-lit ramen stand in the rain"};

constexpr std::array<std::string_view, 12> moments = {"at golden hour",
                                                      "at dusk",
                                                      "under a starry sky",
                                                      "in morning fog",
                                                      "after a summer storm",
                                                      "in deep winter",
                                                      "at sunrise",
                                                      "under northern lights",
                                                      "in autumn light",
                                                      "at midnight",
                                                      "on a misty spring morning",
                                                      "in soft afternoon light"};

constexpr std::array<std::string_view, 14> styles = {"oil painting",
                                                     "watercolor",
                                                     "photo-realistic, 4K",
                                                     "studio Ghibli-inspired",
                                                     "isometric 3D render",
                                                     "ukiyo-e woodblock print",
                                                     "art nouveau poster",
                                                     "low-poly illustration",
                                                     "charcoal sketch",
                                                     "cinematic film still",
                                                     "pixel art",
                                                     "impressionist painting",
                                                     "black and white photograph",
                                                     "papercut collage"};

constexpr std::array<std::string_view, 16> topics = {"animals in unexpected places",
                                                     "a cozy interior",
                                                     "a city of the future",
                                                     "a forgotten ruin",
                                                     "the deep sea",
                                                     "outer space",
                                                     "a myth or a fairy tale",
                                                     "food and cooking",
                                                     "machines and robots",
                                                     "a festival or celebration",
                                                     "weather and sky",
                                                     "a quiet everyday moment",
                                                     "plants and gardens",
                                                     "travel and transport",
                                                     "music and musicians",
                                                     "a miniature world"};

template <std::size_t N>
std::string_view pick(const std::array<std::string_view, N>& values, std::mt19937& engine) {
  return values[std::uniform_int_distribution<std::size_t>(0, N - 1)(engine)];
}

}  // namespace

std::string random_prompt_suggestion() {
  thread_local std::mt19937 engine{std::random_device{}()};
  std::string out(pick(subjects, engine));
  out += ' ';
  out += pick(moments, engine);
  out += ", ";
  out += pick(styles, engine);
  return out;
}

suggestion_theme random_suggestion_theme() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return suggestion_theme{std::string(pick(topics, engine)), std::string(pick(styles, engine))};
}

}  // namespace visionary::core
