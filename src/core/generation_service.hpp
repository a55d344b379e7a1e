// generation_service: one generation from prompt to stored images. Calls the provider, proves each
// answer is a real image, writes thumbnail and metadata, and the image last, so that a listed image
// is always complete; on any failure nothing of the request stays behind. Thread-safe.
#pragma once

#include "core/gallery_service.hpp"
#include "providers/image_provider.hpp"

#include <boost/asio/thread_pool.hpp>

namespace visionary::core {

class generation_service {
 public:
  generation_service(providers::image_provider& provider, storage::blob_store& store,
                     gallery_service& gallery, boost::asio::thread_pool& blocking_pool);

  [[nodiscard]] boost::asio::awaitable<outcome<std::vector<image_view>>> generate(
      providers::generation_request request);

 private:
  boost::asio::awaitable<void> roll_back(const std::vector<std::string>& blob_names);

  providers::image_provider& provider_;
  storage::blob_store& store_;
  gallery_service& gallery_;
  boost::asio::thread_pool& blocking_pool_;
};

}  // namespace visionary::core
