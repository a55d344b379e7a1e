// automatic1111_provider: image generation through an AUTOMATIC1111-compatible API
// (stable-diffusion-webui started with --api, or servers that mirror it, such as
// stable-diffusion.cpp): POST {base}/sdapi/v1/txt2img (img2img for an edit), while it runs GET
// /sdapi/v1/progress for progress and previews, and on cancellation POST /sdapi/v1/interrupt.
// Thread-safe: immutable settings and a thread-safe HTTP client; generate() must run on a strand
// (the job service runs each job on one), which its progress poll shares.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "core/ports/image_provider.hpp"
#include "net/http_client.hpp"
#include "providers/automatic1111_protocol.hpp"

namespace visionary::providers {

struct automatic1111_settings {
  std::string base_url = "http://127.0.0.1:7860";
  std::string auth;        // "user:pass" for --api-auth, empty for none
  std::string checkpoint;  // sd_model_checkpoint to use; empty: whatever the server has loaded
  std::chrono::milliseconds timeout{180'000};
  std::size_t max_image_bytes = 50 * 1024 * 1024;     // one PNG of the answer, before base64
  std::chrono::milliseconds progress_interval{1000};  // between progress polls; 0: none
};

// The img2img request body for an edit (request.edit set): the txt2img fields at the source's size,
// the source as init image, the denoising strength (default_denoising_strength when the request has
// none) and the mask, inverted (the engine repaints where a mask is opaque).
inline constexpr double default_denoising_strength = 0.75;
inline constexpr int min_img2img_edge = 64;
[[nodiscard]] std::string build_img2img_body(const core::generation_request& request,
                                             const std::string& checkpoint);

// The txt2img request body for a generation ("WxH" size, n as batch_size, the engine settings; the
// request's checkpoint, else the configured one, as the checkpoint override).
[[nodiscard]] std::string build_txt2img_body(const core::generation_request& request,
                                             const std::string& checkpoint);

class automatic1111_provider final : public core::image_provider {
 public:
  automatic1111_provider(automatic1111_settings settings, net::http_client& client);

  boost::asio::awaitable<outcome<core::generation_result>> generate(
      const core::generation_request& request, core::generation_watch& watch) override;
  // img2img from the edit's source, with its mask.
  boost::asio::awaitable<outcome<core::generation_result>> edit(
      const core::generation_request& request, core::generation_watch& watch) override;
  // GET /sdapi/v1/samplers and /sdapi/v1/sd-models.
  boost::asio::awaitable<outcome<core::engine_choices>> list_engine_choices() override;
  std::string_view name() const override {
    return core::provider_kind_name(core::provider_kind::automatic1111);
  }
  std::string_view model() const override { return model_; }
  core::provider_kind kind() const override { return core::provider_kind::automatic1111; }
  bool offline() const override { return false; }

 private:
  struct progress_poll;
  using name_list_parser = outcome<std::vector<std::string>> (*)(std::string_view);
  boost::asio::awaitable<outcome<std::vector<std::string>>> list(std::string path,
                                                                 name_list_parser parse);
  [[nodiscard]] net::http_request call(std::string method, std::string path) const;
  [[nodiscard]] net::http_request render_call(const core::generation_request& request,
                                              util::abort_signal& abort) const;
  boost::asio::awaitable<outcome<core::generation_result>> render(
      const core::generation_request& request, core::generation_watch& watch);
  [[nodiscard]] app_error answer_failed(const net::http_response& response,
                                        const std::string& request_id) const;
  [[nodiscard]] outcome<core::generation_result> result_of(const net::transport_result& response,
                                                           const std::string& request_id) const;
  boost::asio::awaitable<void> poll_progress(std::shared_ptr<progress_poll> poll,
                                             core::generation_watch& watch, std::string request_id);
  void report(progress_poll& poll, const a1111_progress& now, core::generation_watch& watch) const;
  static boost::asio::awaitable<void> stop_polling(progress_poll& poll);
  boost::asio::awaitable<void> interrupt(const std::string& request_id);

  automatic1111_settings settings_;
  net::http_client& client_;
  std::string model_;
};

}  // namespace visionary::providers
