// blob_store: the storage abstraction every image, thumbnail and its metadata lives in.
// Implementations must be safe to call concurrently from any thread; a write becomes visible
// (listed, readable) only once complete.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::core {

// Metadata names are [a-z0-9] only and values printable ASCII (the Azure rules), at most 8 KB
// total.
using blob_metadata = std::map<std::string, std::string>;
inline constexpr std::size_t max_metadata_bytes = 8 * 1024;

struct blob_properties {
  std::string name;
  std::uint64_t size = 0;
  std::string content_type;
  std::string etag;  // quoted, as sent in HTTP
  util::sys_time last_modified{};
  blob_metadata metadata;
};

struct byte_range {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last;  // inclusive; open-ended when absent
};

struct blob_content {
  blob_properties properties;
  std::string bytes;
  // Set when a range was requested and served: the bytes are [first, last] of properties.size.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> served_range;
};

struct blob_page {
  std::vector<blob_properties> items;
  std::optional<std::string> next_marker;  // opaque; absent at the end of the listing
};

// A write that happens only if the blob is as the writer last saw it (optimistic concurrency).
struct write_condition {
  std::optional<std::string> if_match;  // the blob's current ETag must be this one
  bool if_absent = false;               // the blob must not exist yet
};

struct signed_link {
  std::string url;
  util::sys_time expires_at{};
};

class blob_store {
 public:
  virtual ~blob_store() = default;

  [[nodiscard]] virtual boost::asio::awaitable<outcome<void>> put(std::string name,
                                                                  std::string bytes,
                                                                  std::string content_type,
                                                                  blob_metadata metadata) = 0;
  // put() only when `condition` holds, atomically with respect to every other conditional write
  // (across replicas for shared stores); precondition_failed when it does not.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<void>> put_if(std::string name,
                                                                     std::string bytes,
                                                                     std::string content_type,
                                                                     blob_metadata metadata,
                                                                     write_condition condition) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<outcome<blob_content>> get(
      std::string name, std::optional<byte_range> range) = 0;
  [[nodiscard]] virtual boost::asio::awaitable<outcome<void>> remove(std::string name) = 0;
  // Names starting with prefix, in lexicographic order, after the marker of a previous page.
  [[nodiscard]] virtual boost::asio::awaitable<outcome<blob_page>> list(
      std::string prefix, std::optional<std::string> marker, int max_results) = 0;

  // A read-only link to one blob, expiring at expires_at (at most 30 minutes ahead).
  [[nodiscard]] virtual signed_link read_link(std::string_view name, std::string_view content_type,
                                              util::sys_time expires_at) const = 0;
  [[nodiscard]] virtual std::string_view kind() const = 0;
};

// Checks a blob name against the rules shared by every backend (1..1024 bytes, valid UTF-8, no
// control characters, no empty, "." or ".." segments, no leading or trailing '/' or '\').
[[nodiscard]] outcome<void> validate_blob_name(std::string_view name);
// Checks metadata names/values against the Azure rules above.
[[nodiscard]] outcome<void> validate_metadata(const blob_metadata& metadata);

}  // namespace visionary::core
