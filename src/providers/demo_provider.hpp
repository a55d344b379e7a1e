// demo_provider: offline procedural art for trying VisionaryAI without an API key. It is not an AI
// model and says so (offline() is true). It paints in visible stages (coarse to fine previews), so
// progress and previews work offline too. Thread-safe: rendering runs on the blocking pool.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <chrono>

#include "core/ports/image_provider.hpp"

namespace visionary::providers {

// How long each of the demo's preview stages is shown; zero paints at once.
inline constexpr std::chrono::milliseconds default_demo_stage_time{250};

class demo_provider final : public core::image_provider {
 public:
  explicit demo_provider(boost::asio::thread_pool& pool,
                         std::chrono::milliseconds stage_time = default_demo_stage_time);

  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request& request, core::generation_watch& watch) override;
  // An honest procedural variation of the source (see demo/edit_art.hpp), at the source's size.
  boost::asio::awaitable<outcome<core::generation_result>> edit(
      const core::generation_request& request, core::generation_watch& watch) override;
  std::string_view name() const override {
    return core::provider_kind_name(core::provider_kind::demo);
  }
  std::string_view model() const override { return "procedural-v1"; }
  bool offline() const override { return true; }
  core::provider_kind kind() const override { return core::provider_kind::demo; }

 private:
  // One picture of the request's batch, encoded as the request asks (PNG, JPEG or WebP).
  boost::asio::awaitable<outcome<std::string>> paint(const std::string& seed_text, int width,
                                                     int height, int index,
                                                     const core::generation_request& request,
                                                     core::generation_watch& watch);

  boost::asio::thread_pool& pool_;
  std::chrono::milliseconds stage_time_;
};

}  // namespace visionary::providers
