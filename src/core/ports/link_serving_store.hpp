// link_serving_store: a blob store that also answers its own signed links (the embedded store);
// the /blobs/* routes read through it. Same thread-safety as blob_store.
#pragma once

#include <memory>
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

// A blob opened for reading piece by piece: a /blobs answer streams through one, so no connection
// holds a whole file. Used by one coroutine at a time.
class blob_reader {
 public:
  virtual ~blob_reader() = default;
  [[nodiscard]] virtual const blob_properties& properties() const = 0;
  // Set when a range was asked for: the bytes read are [first, last] of properties().size.
  [[nodiscard]] virtual std::optional<std::pair<std::uint64_t, std::uint64_t>> served_range()
      const = 0;
  // Up to max_bytes of what is left; an empty piece at the end.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<std::string>> read(
      std::size_t max_bytes) = 0;
};

class link_serving_store : public blob_store {
 public:
  [[nodiscard]] virtual const std::string& container() const = 0;
  // The properties of a blob without reading it (an in-memory index).
  [[nodiscard]] virtual std::optional<blob_properties> find(std::string_view name) const = 0;
  // Opens a blob (or the range of it, checked as get() checks it) for reading piece by piece.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<std::unique_ptr<blob_reader>>> open_reader(
      std::string name, std::optional<byte_range> range) = 0;
  // Checks a presented link (decoded query parameters) for reading container/name.
  [[nodiscard]] virtual outcome<link_grant> verify_link(
      std::string_view container, std::string_view name,
      const std::vector<std::pair<std::string, std::string>>& query, util::sys_time now) const = 0;
};

}  // namespace visionary::core
