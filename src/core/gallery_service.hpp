// gallery_service: the shared gallery read from the blob store: newest-first pages (one store
// listing per page), look-up and deletion by id, and signed read links for every image.
// Thread-safe: stateless apart from the store reference.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/image_record.hpp"
#include "core/ports/blob_store.hpp"

namespace visionary::core {

struct image_view {
  image_record record;
  core::signed_link image_link;
  core::signed_link thumbnail_link;
};

struct gallery_page {
  std::vector<image_view> images;
  std::optional<std::string> next_cursor;
};

class gallery_service {
 public:
  explicit gallery_service(core::blob_store& store);

  [[nodiscard]] boost::asio::awaitable<outcome<gallery_page>> list(
      int limit, std::optional<std::string> cursor);
  [[nodiscard]] boost::asio::awaitable<outcome<image_view>> find(std::string id);
  [[nodiscard]] boost::asio::awaitable<outcome<void>> remove(std::string id);
  // The stored image's bytes (as served by its link), for answers that carry the image itself.
  [[nodiscard]] boost::asio::awaitable<outcome<std::string>> image_bytes(
      const image_record& record);

  // Signs the read links of a record; links expire on the coarse grid so they stay stable.
  [[nodiscard]] image_view present(image_record record, util::sys_time now) const;

 private:
  boost::asio::awaitable<outcome<image_record>> locate(const std::string& id);
  boost::asio::awaitable<void> restore_full_prompt(image_record& record);

  core::blob_store& store_;
};

}  // namespace visionary::core
