// generation_service: one generation from prompt to stored images. Calls the provider, proves each
// answer is a real image, writes thumbnail and metadata, and the image last, so that a listed image
// is always complete; on any failure nothing of the request stays behind. Thread-safe.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "core/gallery_service.hpp"
#include "providers/image_provider.hpp"

namespace visionary::core {

class generation_service {
 public:
  generation_service(providers::image_provider& provider, storage::blob_store& store,
                     gallery_service& gallery, boost::asio::thread_pool& blocking_pool);

  // With an idempotency key, a repeated request (same key, same fields, within 24 hours) answers
  // with the images of the first one instead of generating again; the record lives in the store,
  // so every replica sees it. The same key with a different request is idempotency_key_reused.
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> generate(
      providers::generation_request request,
      std::optional<std::string> idempotency_key = std::nullopt);

 private:
  boost::asio::awaitable<outcome<std::optional<std::vector<image_view>>>> replay(
      const std::string& record_name, const std::string& fingerprint);
  boost::asio::awaitable<void> roll_back(const std::vector<std::string>& blob_names);

  providers::image_provider& provider_;
  storage::blob_store& store_;
  gallery_service& gallery_;
  boost::asio::thread_pool& blocking_pool_;
};

}  // namespace visionary::core
