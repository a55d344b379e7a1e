#include "providers/demo_provider.hpp"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstdio>
#include <memory>

#include "imaging/image_codec.hpp"
#include "providers/demo/demo_art.hpp"
#include "providers/demo/edit_art.hpp"
#include "util/blocking.hpp"

namespace visionary::providers {

namespace {

// Previews from coarse to fine: the picture as this many blocks across.
constexpr int preview_stages[] = {8, 24, 64};
constexpr int stage_count = int(std::size(preview_stages)) + 1;  // the previews, then the picture
// JPEG and WebP quality when the request names no output_compression.
constexpr int default_lossy_quality = 90;

// The picture as `blocks` squares across (each the colour at its centre), a tiny PNG.
outcome<std::string> coarse_preview(const demo_art_image& art, int blocks) {
  const int w = std::max(1, std::min(blocks, art.width));
  const int h = std::max(1, w * art.height / art.width);
  std::vector<std::uint8_t> rgb(std::size_t(w) * std::size_t(h) * 3);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const int sx = (2 * x + 1) * art.width / (2 * w);
      const int sy = (2 * y + 1) * art.height / (2 * h);
      const auto* from = &art.rgb[(std::size_t(sy) * art.width + sx) * 3];
      std::copy(from, from + 3, &rgb[(std::size_t(y) * w + x) * 3]);
    }
  }
  return imaging::encode_png_rgb(rgb, w, h);
}

outcome<rgba_pixels> decoded(const core::edit_image& image) {
  auto pixels = imaging::decode_rgba(image.bytes);
  if (!pixels) return pixels.error();
  return rgba_pixels{pixels->width, pixels->height, std::move(pixels->rgba)};
}

// The edit's pixels, then the picture encoded as the request asks (blocking).
outcome<std::string> paint_edit(const core::generation_request& request,
                                std::string_view seed_text) {
  const auto& inputs = *request.edit;
  auto source = decoded(inputs.source);
  if (!source) return source.error();
  std::optional<rgba_pixels> mask;
  if (inputs.mask) {
    auto read = decoded(*inputs.mask);
    if (!read) return read.error();
    mask = std::move(*read);
  }
  demo_edit_inputs in{*source, mask ? &*mask : nullptr, std::nullopt};
  if (!inputs.references.empty()) {
    auto first = decoded(inputs.references.front());
    if (!first) return first.error();
    in.tint = average_colour(*first);
  }
  const auto rgb = paint_demo_edit(seed_text, in);
  return imaging::encode_rgb(
      rgb, source->width, source->height, request.output_format.value_or("png"),
      std::max(1, request.output_compression.value_or(default_lossy_quality)));
}

}  // namespace

demo_provider::demo_provider(boost::asio::thread_pool& pool, std::chrono::milliseconds stage_time)
    : pool_(pool), stage_time_(stage_time) {}

// One picture of a batch: rendered, then shown coarse to fine (when anyone watches the stages).
boost::asio::awaitable<outcome<std::string>> demo_provider::paint(
    const std::string& seed_text, int width, int height, int index,
    const core::generation_request& request, core::generation_watch& watch) {
  const int count = request.n;
  auto art = co_await util::run_blocking(
      pool_, [&]() { return render_demo_art(seed_text, width, height); });
  if (stage_time_.count() > 0) {
    // A cancel cuts the pause short (on this coroutine's executor, where the timer lives).
    auto pause =
        std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor);
    util::abort_registration on_cancel(&watch.abort(), [pause] {
      boost::asio::post(pause->get_executor(), [pause] { pause->cancel(); });
    });
    for (int stage = 0; stage < int(std::size(preview_stages)); ++stage) {
      auto preview = coarse_preview(art, preview_stages[stage]);
      if (!preview) co_return preview.error();
      const int done = index * stage_count + stage + 1;
      watch.report(core::generation_progress{double(done) / double(count * stage_count), done,
                                             count * stage_count, std::nullopt,
                                             std::move(*preview)});
      if (watch.cancelled())
        co_return make_error(error_kind::cancelled, "The generation was cancelled.");
      pause->expires_after(stage_time_);
      co_await pause->async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
      if (watch.cancelled())
        co_return make_error(error_kind::cancelled, "The generation was cancelled.");
    }
  }
  const std::string format = request.output_format.value_or("png");
  const int quality = request.output_compression.value_or(default_lossy_quality);
  co_return co_await util::run_blocking(pool_, [&]() {
    return imaging::encode_rgb(art.rgb, art.width, art.height, format, std::max(1, quality));
  });
}

boost::asio::awaitable<outcome<core::generation_result>> demo_provider::generate(
    const core::generation_request& request, core::generation_watch& watch) {
  int width = 1024, height = 1024;
  if (std::sscanf(request.size.c_str(), "%dx%d", &width, &height) != 2) {
    co_return make_error(error_kind::invalid_request, "Unsupported size.");
  }
  std::vector<core::generated_image> images;
  for (int i = 0; i < request.n; ++i) {
    // Each picture of a batch gets its own variation; the first one matches a single generation.
    const std::string seed_text =
        i == 0 ? request.prompt : request.prompt + " #" + std::to_string(i);
    auto png = co_await paint(seed_text, width, height, i, request, watch);
    if (!png) co_return png.error();
    images.push_back(core::generated_image{std::move(*png), std::nullopt, std::nullopt});
  }
  co_return core::generation_result{std::move(images), std::nullopt};
}

boost::asio::awaitable<outcome<core::generation_result>> demo_provider::edit(
    const core::generation_request& request, core::generation_watch& watch) {
  if (!request.edit) co_return make_error(error_kind::invalid_request, "Nothing to edit.");
  std::vector<core::generated_image> images;
  for (int i = 0; i < request.n; ++i) {
    watch.report(core::generation_progress{double(i) / double(request.n), i, request.n,
                                           std::nullopt, std::string()});
    if (watch.cancelled()) co_return make_error(error_kind::cancelled, "The edit was cancelled.");
    // Each picture of a batch gets its own variation, as in generate().
    const std::string seed_text =
        i == 0 ? request.prompt : request.prompt + " #" + std::to_string(i);
    auto painted =
        co_await util::run_blocking(pool_, [&]() { return paint_edit(request, seed_text); });
    if (!painted) co_return painted.error();
    images.push_back(core::generated_image{std::move(*painted), std::nullopt, std::nullopt});
  }
  co_return core::generation_result{std::move(images), std::nullopt};
}

}  // namespace visionary::providers
