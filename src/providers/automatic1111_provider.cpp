#include "providers/automatic1111_provider.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <cstdio>

#include "providers/answer_limits.hpp"
#include "providers/automatic1111_protocol.hpp"
#include "providers/transport_errors.hpp"
#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::providers {

namespace json = boost::json;

std::string build_txt2img_body(const core::generation_request& request,
                               const std::string& checkpoint) {
  int width = 512, height = 512;
  std::sscanf(request.size.c_str(), "%dx%d", &width, &height);
  json::object body{{"prompt", request.prompt}, {"width", width},      {"height", height},
                    {"batch_size", request.n},  {"n_iter", 1},         {"seed", -1},
                    {"send_images", true},      {"save_images", false}};
  if (!checkpoint.empty()) {
    body["override_settings"] = json::object{{"sd_model_checkpoint", checkpoint}};
    body["override_settings_restore_afterwards"] =
        false;  // switching checkpoints back and forth is slow
  }
  return json::serialize(body);
}

automatic1111_provider::automatic1111_provider(automatic1111_settings settings,
                                               net::http_client& client)
    : settings_(std::move(settings)),
      client_(client),
      model_(settings_.checkpoint.empty() ? "stable-diffusion" : settings_.checkpoint),
      capabilities_(core::capabilities_for(core::provider_kind::automatic1111, model_)) {
  settings_.base_url = util::without_trailing_slashes(settings_.base_url);
}

// A refusal or failure of the server: callers hear fixed words, the log gets the server's own (422
// carries FastAPI validation details, 500 the webui's error text, e.g. out of memory).
app_error automatic1111_provider::answer_failed(const net::http_response& response,
                                                const std::string& request_id) const {
  const bool credentials = response.status == 401 || response.status == 403;
  spdlog::warn("[{}] automatic1111 answered HTTP {}{}: {}", request_id, response.status,
               credentials ? " [check VISIONARY_A1111_AUTH]" : "",
               loggable(response.body, settings_.auth));
  if (credentials) {
    return make_error(error_kind::provider_error,
                      "The AUTOMATIC1111 server refused this server's credentials; please tell "
                      "the site's operator.");
  }
  return make_error(
      response.status >= 500 ? error_kind::provider_unavailable : error_kind::provider_error,
      "The AUTOMATIC1111 server could not generate the image (HTTP " +
          std::to_string(response.status) +
          "); try again later, and tell the site's operator if it keeps happening.");
}

boost::asio::awaitable<outcome<core::generation_result>> automatic1111_provider::generate(
    const core::generation_request& request, core::generation_watch& /*watch*/) {
  net::http_request http;
  http.method = "POST";
  http.url = settings_.base_url + "/sdapi/v1/txt2img";
  http.body = build_txt2img_body(request, settings_.checkpoint);
  http.timeout = settings_.timeout;
  http.max_response_bytes = base64_answer_limit(settings_.max_image_bytes, request.n);
  http.headers = {{"Content-Type", "application/json"},
                  {"Accept", "application/json"},
                  {"X-Request-Id", request.request_id}};
  if (!settings_.auth.empty())
    http.headers.emplace_back("Authorization", "Basic " + util::base64_encode(settings_.auth));

  auto response = co_await client_.send(std::move(http));
  if (!response) {
    spdlog::warn("[{}] automatic1111 call failed: {}", request.request_id,
                 response.error().message);
    co_return provider_error_from(response.error(),
                                  {"The AUTOMATIC1111 server did not answer in time.",
                                   "The AUTOMATIC1111 server sent an answer larger than allowed.",
                                   "The AUTOMATIC1111 server cannot be reached; try again later."});
  }
  if (response->status != 200) co_return answer_failed(*response, request.request_id);
  auto images = parse_txt2img_images(response->body);
  if (!images) co_return images.error();
  co_return core::generation_result{std::move(*images), std::nullopt};
}

}  // namespace visionary::providers
