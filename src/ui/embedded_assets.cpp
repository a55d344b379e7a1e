#include "ui/embedded_assets.hpp"

#include <algorithm>

namespace visionary::ui {

const embedded_asset* find_embedded_asset(std::string_view path) {
  const auto assets = embedded_assets();
  const auto it =
      std::lower_bound(assets.begin(), assets.end(), path,
                       [](const embedded_asset& a, std::string_view p) { return a.path < p; });
  return it != assets.end() && it->path == path ? &*it : nullptr;
}

}  // namespace visionary::ui
