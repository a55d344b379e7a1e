// How long signed image links live, whatever store signs them: one policy for the gallery, the
// stores and /api/config. Pure; thread-safe.
#pragma once

#include <chrono>

#include "util/time.hpp"

namespace visionary::core {

// No signed link lives longer than this.
inline constexpr std::chrono::minutes max_link_lifetime{30};
// Expiries fall on this grid so the same image keeps the same URL between refreshes.
inline constexpr std::chrono::minutes link_expiry_grid{5};

// The next grid boundary plus (lifetime - grid): a link stays the same across refreshes within a
// window while never living longer than max_link_lifetime.
[[nodiscard]] util::sys_time coarse_link_expiry(util::sys_time now);

}  // namespace visionary::core
