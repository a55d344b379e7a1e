// Deterministic hashing and random numbers for the demo painter: the same prompt must give the
// same picture on every platform. Thread-safe: pure functions; an rng is a value owned by its user.
#pragma once

#include <cstdint>
#include <string_view>

namespace visionary::providers::demo {

// FNV-1a: tiny and, unlike std::hash, the same on every platform and standard library.
std::uint64_t fnv1a(std::string_view s);

// splitmix64 finaliser: full avalanche, so one changed character reshuffles every decision.
inline std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

// 32-bit integer hash for per-pixel grain and noise lattices (cheaper than the 64-bit rng).
inline std::uint32_t hash32(std::uint32_t x) {
  x ^= x >> 16;
  x *= 0x7feb352dU;
  x ^= x >> 15;
  x *= 0x846ca68bU;
  x ^= x >> 16;
  return x;
}

// splitmix64 stream: every painting decision draws from one of these, in a fixed order.
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

}  // namespace visionary::providers::demo
