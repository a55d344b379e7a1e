// generation_service: one generation from prompt to stored images. Calls the provider, proves each
// answer is a real image, writes thumbnail and metadata, and the image last, so that a listed image
// is always complete; on any failure nothing of the request stays behind. Thread-safe.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "core/gallery_service.hpp"
#include "core/ports/image_provider.hpp"

namespace visionary::core {

class generation_service {
 public:
  generation_service(core::image_provider& provider, core::blob_store& store,
                     gallery_service& gallery, boost::asio::thread_pool& blocking_pool);

  // With an idempotency key, a repeated request (same key, same fields, within 24 hours) answers
  // with the images of the first one instead of generating again; the record lives in the store,
  // so every replica sees it. The same key with a different request is idempotency_key_reused.
  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> generate(
      core::generation_request request, std::optional<std::string> idempotency_key = std::nullopt);

 private:
  struct idempotency_record {
    std::string blob_name;    // where the answer to this key is remembered
    std::string fingerprint;  // of the request the key was first used with
  };
  [[nodiscard]] image_record new_record(const generation_request& request,
                                        const generated_image& image) const;
  boost::asio::awaitable<outcome<image_record>> store_image(const generation_request& request,
                                                            generated_image& image,
                                                            std::vector<std::string>& written);
  boost::asio::awaitable<outcome<std::vector<image_record>>> store_all(
      const generation_request& request, std::vector<generated_image>& images);
  boost::asio::awaitable<void> remember(const idempotency_record& key,
                                        const std::vector<image_view>& views,
                                        const std::string& request_id);
  boost::asio::awaitable<outcome<std::optional<std::vector<image_view>>>> replay(
      const std::string& record_name, const std::string& fingerprint);
  boost::asio::awaitable<void> roll_back(const std::vector<std::string>& blob_names);

  core::image_provider& provider_;
  core::blob_store& store_;
  gallery_service& gallery_;
  boost::asio::thread_pool& blocking_pool_;
};

}  // namespace visionary::core
