// demo_provider: offline procedural art for trying VisionaryAI without an API key. It is not an AI
// model and says so (offline() is true). Thread-safe: rendering runs on the blocking pool.
#pragma once

#include <boost/asio/thread_pool.hpp>

#include "core/ports/image_provider.hpp"

namespace visionary::providers {

class demo_provider final : public core::image_provider {
 public:
  explicit demo_provider(boost::asio::thread_pool& pool);

  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request& request) override;
  std::string_view name() const override {
    return core::provider_kind_name(core::provider_kind::demo);
  }
  std::string_view model() const override { return "procedural-v1"; }
  bool offline() const override { return true; }
  const core::model_capabilities& capabilities() const override { return capabilities_; }

 private:
  boost::asio::thread_pool& pool_;
  core::model_capabilities capabilities_;
};

}  // namespace visionary::providers
