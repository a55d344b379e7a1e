#include "providers/demo_provider.hpp"

#include <cstdio>

#include "imaging/image_codec.hpp"
#include "providers/demo/demo_art.hpp"
#include "util/blocking.hpp"

namespace visionary::providers {

demo_provider::demo_provider(boost::asio::thread_pool& pool)
    : pool_(pool),
      capabilities_(core::capabilities_for(core::provider_kind::demo, "procedural-v1")) {}

boost::asio::awaitable<outcome<core::generation_result>> demo_provider::generate(
    const core::generation_request& request) {
  int width = 1024, height = 1024;
  if (std::sscanf(request.size.c_str(), "%dx%d", &width, &height) != 2) {
    co_return make_error(error_kind::invalid_request, "Unsupported size.");
  }
  std::vector<core::generated_image> images;
  for (int i = 0; i < request.n; ++i) {
    // Each picture of a batch gets its own variation; the first one matches a single generation.
    const std::string seed_text =
        i == 0 ? request.prompt : request.prompt + " #" + std::to_string(i);
    auto png = co_await util::run_blocking(pool_, [&]() {
      const auto art = render_demo_art(seed_text, width, height);
      return imaging::encode_png_rgb(art.rgb, art.width, art.height);
    });
    if (!png) co_return png.error();
    images.push_back(core::generated_image{std::move(*png), std::nullopt});
  }
  co_return core::generation_result{std::move(images), std::nullopt};
}

}  // namespace visionary::providers
