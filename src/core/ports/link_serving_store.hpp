// link_serving_store: a blob store that also answers its own signed links (the embedded store);
// the /blobs/* routes read through it. Same thread-safety as blob_store.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/blob_store.hpp"

namespace visionary::core {

// What a verified link allows: reading one blob until expires_at, answered with content_type
// (empty: the blob's own).
struct link_grant {
  util::sys_time expires_at{};
  std::string content_type;
};

class link_serving_store : public blob_store {
 public:
  [[nodiscard]] virtual const std::string& container() const = 0;
  // The properties of a blob without reading it (an in-memory index).
  [[nodiscard]] virtual std::optional<blob_properties> find(std::string_view name) const = 0;
  // Checks a presented link (decoded query parameters) for reading container/name.
  [[nodiscard]] virtual outcome<link_grant> verify_link(
      std::string_view container, std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& query, util::sys_time now) const = 0;
};

}  // namespace visionary::core
