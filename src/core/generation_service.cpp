#include "core/generation_service.hpp"

#include "core/naming.hpp"
#include "imaging/image_codec.hpp"
#include "util/blocking.hpp"
#include "util/crypto.hpp"

#include <spdlog/spdlog.h>

namespace visionary::core {

generation_service::generation_service(providers::image_provider& provider, storage::blob_store& store,
                                       gallery_service& gallery, boost::asio::thread_pool& blocking_pool)
    : provider_(provider), store_(store), gallery_(gallery), blocking_pool_(blocking_pool) {}

boost::asio::awaitable<void> generation_service::roll_back(const std::vector<std::string>& blob_names) {
  // Images before thumbnails, mirroring the write order in reverse.
  for (auto it = blob_names.rbegin(); it != blob_names.rend(); ++it) {
    if (auto removed = co_await store_.remove(*it); !removed) {
      spdlog::error("could not roll back {}: {}", *it, removed.error().message);
    }
  }
}

boost::asio::awaitable<outcome<std::vector<image_view>>> generation_service::generate(
    providers::generation_request request) {
  auto generated = co_await provider_.generate(request);
  if (!generated) co_return generated.error();
  if (generated->empty()) {
    co_return make_error(error_kind::provider_error, "The image provider returned no image.");
  }

  std::vector<image_record> records;
  std::vector<std::string> written;
  for (auto& image : *generated) {
    image_record record;
    record.created_at = std::chrono::system_clock::now();
    const auto names = make_image_names(record.created_at, request.prompt, util::random_token(token_length));
    record.id = names.id;
    record.blob_name = names.image_blob;
    record.thumbnail_blob = names.thumbnail_blob;
    record.prompt = request.prompt;
    record.revised_prompt = image.revised_prompt;
    record.provider = provider_.name();
    record.model = provider_.model();

    const std::string text = png_text_json(record);
    auto prepared = co_await util::run_blocking(blocking_pool_, [&]() {
      return imaging::prepare_image(image.bytes, png_text_keyword, text);
    });
    if (!prepared) {
      co_await roll_back(written);
      co_return prepared.error();
    }
    image.bytes.clear();
    record.width = prepared->width;
    record.height = prepared->height;
    record.bytes = prepared->png.size();

    if (auto put = co_await store_.put(record.thumbnail_blob, std::move(prepared->thumbnail_webp), "image/webp", {});
        !put) {
      co_await roll_back(written);
      co_return put.error();
    }
    written.push_back(record.thumbnail_blob);
    if (auto put = co_await store_.put(record.blob_name, std::move(prepared->png), "image/png", to_metadata(record));
        !put) {
      co_await roll_back(written);
      co_return put.error();
    }
    written.push_back(record.blob_name);
    records.push_back(std::move(record));
  }

  std::vector<image_view> views;
  const auto now = std::chrono::system_clock::now();
  // Newest first, like the gallery.
  for (auto it = records.rbegin(); it != records.rend(); ++it) views.push_back(gallery_.present(std::move(*it), now));
  co_return views;
}

}  // namespace visionary::core
