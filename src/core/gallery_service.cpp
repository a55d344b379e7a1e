#include "core/gallery_service.hpp"

#include "core/link_policy.hpp"
#include "core/naming.hpp"
#include "imaging/image_codec.hpp"

namespace visionary::core {

gallery_service::gallery_service(core::blob_store& store) : store_(store) {}

image_view gallery_service::present(image_record record, util::sys_time now) const {
  const auto expiry = coarse_link_expiry(now);
  image_view view;
  view.image_link = store_.read_link(record.blob_name, record.content_type, expiry);
  view.thumbnail_link = record.thumbnail_blob.empty()
                            ? view.image_link
                            : store_.read_link(record.thumbnail_blob, "image/webp", expiry);
  view.record = std::move(record);
  return view;
}

boost::asio::awaitable<void> gallery_service::restore_full_prompt(image_record& record) {
  // A PNG's text chunk sits right after IHDR and a JPEG's XMP right after its start, a WebP's XMP
  // at its end: a 32,000-character prompt of 4-byte characters plus its revised prompt and
  // settings fit in 320 KB.
  constexpr std::uint64_t text_window = 320 * 1024;
  const bool at_end = record.content_type == "image/webp" && record.bytes > text_window;
  const core::byte_range window =
      at_end ? core::byte_range{record.bytes - text_window, record.bytes - 1}
             : core::byte_range{0, text_window - 1};
  auto part = co_await store_.get(record.blob_name, window);
  if (!part) co_return;
  if (auto text = imaging::find_embedded_record(part->bytes, png_text_keyword))
    apply_png_text(record, *text);
}

boost::asio::awaitable<outcome<gallery_page>> gallery_service::list(
    int limit, std::optional<std::string> cursor) {
  std::optional<std::string> marker;
  if (cursor) {
    auto decoded = decode_cursor(*cursor);
    if (!decoded) co_return decoded.error();
    marker = std::move(*decoded);
  }
  auto listed = co_await store_.list(std::string(image_prefix), std::move(marker), limit);
  if (!listed) co_return listed.error();
  gallery_page page;
  const auto now = std::chrono::system_clock::now();
  for (const auto& blob : listed->items) {
    auto record = from_blob(blob);
    if (!record) continue;  // not a gallery image (e.g. written by another tool)
    if (record->prompt_truncated) co_await restore_full_prompt(*record);
    page.images.push_back(present(std::move(*record), now));
  }
  if (listed->next_marker) page.next_cursor = encode_cursor(*listed->next_marker);
  co_return page;
}

boost::asio::awaitable<outcome<image_record>> gallery_service::locate(const std::string& id) {
  auto parsed = parse_image_id(id);
  if (!parsed) co_return make_error(error_kind::not_found, "No image has the id '" + id + "'.");
  // Every image created in the same millisecond shares this prefix: a tiny listing.
  auto listed = co_await store_.list(image_blob_prefix(*parsed), std::nullopt, 100);
  if (!listed) co_return listed.error();
  for (const auto& blob : listed->items) {
    auto record = from_blob(blob);
    if (record && record->id == id) {
      if (record->prompt_truncated) co_await restore_full_prompt(*record);
      co_return std::move(*record);
    }
  }
  co_return make_error(error_kind::not_found, "No image has the id '" + id + "'.");
}

boost::asio::awaitable<outcome<image_view>> gallery_service::find(std::string id) {
  auto record = co_await locate(id);
  if (!record) co_return record.error();
  co_return present(std::move(*record), std::chrono::system_clock::now());
}

boost::asio::awaitable<outcome<std::string>> gallery_service::image_bytes(
    const image_record& record) {
  auto stored = co_await store_.get(record.blob_name, std::nullopt);
  if (!stored) co_return stored.error();
  co_return std::move(stored->bytes);
}

boost::asio::awaitable<outcome<void>> gallery_service::remove(std::string id) {
  auto record = co_await locate(id);
  if (!record) co_return record.error();
  // The image first: once it is gone the entry is no longer listed, whatever happens next.
  if (auto removed = co_await store_.remove(record->blob_name); !removed) co_return removed;
  if (!record->thumbnail_blob.empty()) (void)co_await store_.remove(record->thumbnail_blob);
  co_return outcome<void>{};
}

}  // namespace visionary::core
