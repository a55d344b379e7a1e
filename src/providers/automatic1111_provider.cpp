#include "providers/automatic1111_provider.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <cstdio>

#include "providers/answer_limits.hpp"
#include "providers/automatic1111_protocol.hpp"
#include "providers/transport_errors.hpp"
#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::providers {

namespace json = boost::json;

json::object txt2img_fields(const core::generation_request& request,
                            const std::string& checkpoint) {
  int width = 512, height = 512;
  std::sscanf(request.size.c_str(), "%dx%d", &width, &height);
  const auto& engine = request.engine;
  json::object body{{"prompt", request.prompt},
                    {"width", width},
                    {"height", height},
                    {"batch_size", request.n},
                    {"n_iter", 1},
                    {"seed", engine.seed.value_or(-1)},  // -1: the server picks one
                    {"send_images", true},
                    {"save_images", false}};
  if (engine.negative_prompt) body["negative_prompt"] = *engine.negative_prompt;
  if (engine.steps) body["steps"] = *engine.steps;
  if (engine.cfg_scale) body["cfg_scale"] = *engine.cfg_scale;
  if (engine.sampler) body["sampler_name"] = *engine.sampler;
  const std::string& chosen = engine.checkpoint ? *engine.checkpoint : checkpoint;
  if (!chosen.empty()) {
    body["override_settings"] = json::object{{"sd_model_checkpoint", chosen}};
    body["override_settings_restore_afterwards"] =
        false;  // switching checkpoints back and forth is slow
  }
  return body;
}

std::string build_txt2img_body(const core::generation_request& request,
                               const std::string& checkpoint) {
  return json::serialize(txt2img_fields(request, checkpoint));
}

std::string build_img2img_body(const core::generation_request& request,
                               const std::string& checkpoint) {
  auto body = txt2img_fields(request, checkpoint);
  const auto& source = request.edit->source;
  // The picture keeps its size (the engine works in multiples of 8).
  body["width"] = std::max(min_img2img_edge, source.width / 8 * 8);
  body["height"] = std::max(min_img2img_edge, source.height / 8 * 8);
  body["init_images"] = json::array{json::string(util::base64_encode(source.bytes))};
  body["denoising_strength"] =
      request.engine.denoising_strength.value_or(default_denoising_strength);
  if (const auto& mask = request.edit->mask) {
    // The engine repaints where the mask's alpha is opaque; ours marks with transparency what may
    // change, so the mask is inverted.
    body["mask"] = util::base64_encode(mask->bytes);
    body["inpainting_mask_invert"] = 1;
    body["inpainting_fill"] = 1;  // start from the original's colours
    body["inpaint_full_res"] = false;
    body["mask_blur"] = 4;
  }
  return json::serialize(body);
}

automatic1111_provider::automatic1111_provider(automatic1111_settings settings,
                                               net::http_client& client)
    : settings_(std::move(settings)),
      client_(client),
      model_(settings_.checkpoint.empty() ? std::string(default_a1111_model)
                                          : settings_.checkpoint) {
  settings_.base_url = util::without_trailing_slashes(settings_.base_url);
}

// The progress poll of one generation, shared by generate() and the poll on the same strand.
struct automatic1111_provider::progress_poll {
  explicit progress_poll(const boost::asio::any_io_executor& executor)
      : pause(executor), ended(executor, std::chrono::steady_clock::time_point::max()) {}
  util::abort_signal stop;          // ends the poll, and the progress call in flight
  boost::asio::steady_timer pause;  // between polls
  boost::asio::steady_timer ended;  // cancelled when the poll returns
  bool running = false;             // the poll has not returned yet
  std::string last_image;           // the current_image last shown
};

namespace {

// While it lives the poll runs; when it goes (even by an exception), generate() hears it.
class poll_running {
 public:
  explicit poll_running(bool& running, boost::asio::steady_timer& ended)
      : running_(running), ended_(ended) {}
  ~poll_running() {
    running_ = false;
    ended_.cancel();
  }
  poll_running(const poll_running&) = delete;
  poll_running& operator=(const poll_running&) = delete;

 private:
  bool& running_;
  boost::asio::steady_timer& ended_;
};

constexpr std::chrono::milliseconds interrupt_timeout{10'000};
// Listing samplers and checkpoints: short, since the first /api/config of a start waits for it.
constexpr std::chrono::milliseconds listing_timeout{5'000};
constexpr std::size_t max_listing_bytes = 1024 * 1024;
constexpr std::chrono::milliseconds min_progress_timeout{5'000};

}  // namespace

net::http_request automatic1111_provider::call(std::string method, std::string path) const {
  net::http_request http;
  http.method = std::move(method);
  http.url = settings_.base_url + path;
  http.headers = {{"Accept", "application/json"}};
  if (!settings_.auth.empty())
    http.headers.emplace_back("Authorization", "Basic " + util::base64_encode(settings_.auth));
  return http;
}

net::http_request automatic1111_provider::render_call(const core::generation_request& request,
                                                      util::abort_signal& abort) const {
  auto http = call("POST", request.edit ? "/sdapi/v1/img2img" : "/sdapi/v1/txt2img");
  http.body = request.edit ? build_img2img_body(request, settings_.checkpoint)
                           : build_txt2img_body(request, settings_.checkpoint);
  http.timeout = settings_.timeout;
  http.max_response_bytes = base64_answer_limit(settings_.max_image_bytes, request.n);
  http.abort = &abort;
  http.headers.emplace_back("Content-Type", "application/json");
  http.headers.emplace_back("X-Request-Id", request.request_id);
  return http;
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

outcome<core::generation_result> automatic1111_provider::result_of(
    const net::transport_result& response, const std::string& request_id) const {
  if (!response) {
    spdlog::warn("[{}] automatic1111 call failed: {}", request_id, response.error().message);
    return provider_error_from(response.error(),
                               {"The AUTOMATIC1111 server did not answer in time.",
                                "The AUTOMATIC1111 server sent an answer larger than allowed.",
                                "The AUTOMATIC1111 server cannot be reached; try again later."});
  }
  if (response->status != 200) return answer_failed(*response, request_id);
  auto images = parse_txt2img_images(response->body);
  if (!images) return images.error();
  return core::generation_result{std::move(*images), std::nullopt};
}

// ------------------------------------------------------------------ progress

// Asks for the server's progress every interval until stopped; a failed poll is only logged.
boost::asio::awaitable<void> automatic1111_provider::poll_progress(
    std::shared_ptr<progress_poll> poll, core::generation_watch& watch, std::string request_id) {
  poll_running running(poll->running, poll->ended);
  while (!poll->stop.aborted()) {
    poll->pause.expires_after(settings_.progress_interval);
    (void)co_await poll->pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    if (poll->stop.aborted()) break;
    auto http = call("GET", "/sdapi/v1/progress?skip_current_image=false");
    http.timeout = std::max(settings_.progress_interval, min_progress_timeout);
    http.max_response_bytes = base64_answer_limit(settings_.max_image_bytes, 1);
    http.abort = &poll->stop;
    auto response = co_await client_.send(std::move(http));
    if (poll->stop.aborted()) break;
    if (!response || response->status != 200) {
      spdlog::debug(
          "[{}] automatic1111 progress poll failed: {}", request_id,
          response ? "HTTP " + std::to_string(response->status) : response.error().message);
      continue;
    }
    auto now = parse_progress_response(response->body);
    if (!now) {
      spdlog::debug("[{}] automatic1111 progress: {}", request_id, now.error().message);
      continue;
    }
    report(*poll, *now, watch);
  }
}

// Passes the server's progress on while a job runs; a picture only when it changed.
void automatic1111_provider::report(progress_poll& poll, const a1111_progress& now,
                                    core::generation_watch& watch) const {
  if (!now.busy) return;
  core::generation_progress progress;
  progress.fraction = now.fraction;
  progress.step = now.step;
  progress.steps = now.steps;
  progress.eta_seconds = now.eta_seconds;
  if (!now.current_image.empty() && now.current_image != poll.last_image) {
    if (auto bytes = util::base64_decode(now.current_image)) {
      progress.preview = std::move(*bytes);
      poll.last_image = now.current_image;
    }
  }
  watch.report(std::move(progress));
}

// Ends the poll and waits until it has returned (it refers to the generation's watch).
boost::asio::awaitable<void> automatic1111_provider::stop_polling(progress_poll& poll) {
  poll.stop.abort();
  poll.pause.cancel();
  if (poll.running) {
    (void)co_await poll.ended.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
  }
}

// Stops the server's current job (the cancelled generation's: the call had reached it).
boost::asio::awaitable<void> automatic1111_provider::interrupt(const std::string& request_id) {
  auto http = call("POST", "/sdapi/v1/interrupt");
  http.timeout = interrupt_timeout;
  http.headers.emplace_back("X-Request-Id", request_id);
  auto response = co_await client_.send(std::move(http));
  if (!response || response->status != 200) {
    spdlog::warn("[{}] automatic1111 interrupt failed: {}", request_id,
                 response ? "HTTP " + std::to_string(response->status) : response.error().message);
    co_return;
  }
  spdlog::info("[{}] automatic1111 interrupted the cancelled generation", request_id);
}

// ------------------------------------------------------------------ choices

boost::asio::awaitable<outcome<std::vector<std::string>>> automatic1111_provider::list(
    std::string path, name_list_parser parse) {
  auto http = call("GET", path);
  http.timeout = listing_timeout;
  http.max_response_bytes = max_listing_bytes;
  auto response = co_await client_.send(std::move(http));
  if (!response) co_return make_error(error_kind::provider_unavailable, response.error().message);
  if (response->status != 200) {
    co_return make_error(error_kind::provider_error,
                         path + " answered HTTP " + std::to_string(response->status));
  }
  co_return parse(response->body);
}

boost::asio::awaitable<outcome<core::engine_choices>>
automatic1111_provider::list_engine_choices() {
  auto samplers = co_await list("/sdapi/v1/samplers", &parse_sampler_list);
  if (!samplers) co_return samplers.error();
  auto checkpoints = co_await list("/sdapi/v1/sd-models", &parse_checkpoint_list);
  if (!checkpoints) co_return checkpoints.error();
  core::engine_choices choices;
  choices.samplers = std::move(*samplers);
  choices.checkpoints = std::move(*checkpoints);
  co_return choices;
}

boost::asio::awaitable<outcome<core::generation_result>> automatic1111_provider::edit(
    const core::generation_request& request, core::generation_watch& watch) {
  if (!request.edit) co_return make_error(error_kind::invalid_request, "Nothing to edit.");
  co_return co_await render(request, watch);
}

boost::asio::awaitable<outcome<core::generation_result>> automatic1111_provider::generate(
    const core::generation_request& request, core::generation_watch& watch) {
  co_return co_await render(request, watch);
}

// txt2img, or img2img for an edit, with progress polled while it runs.
boost::asio::awaitable<outcome<core::generation_result>> automatic1111_provider::render(
    const core::generation_request& request, core::generation_watch& watch) {
  auto executor = co_await boost::asio::this_coro::executor;
  auto poll = std::make_shared<progress_poll>(executor);
  if (settings_.progress_interval.count() > 0) {
    poll->running = true;
    boost::asio::co_spawn(executor, poll_progress(poll, watch, request.request_id),
                          boost::asio::detached);
  }
  auto http = render_call(request, watch.abort());
  auto response = co_await client_.send(std::move(http));
  co_await stop_polling(*poll);
  if (!response && response.error().kind == net::transport_failure::aborted) {
    if (response.error().request_sent) co_await interrupt(request.request_id);
    co_return make_error(error_kind::cancelled, "The generation was cancelled.");
  }
  co_return result_of(response, request.request_id);
}

}  // namespace visionary::providers
