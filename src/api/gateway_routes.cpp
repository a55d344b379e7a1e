#include "api/gateway_routes.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

#include "api/api_edge.hpp"
#include "api/gateway_request.hpp"
#include "api/openai_errors.hpp"
#include "http/sse.hpp"
#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using verb = bhttp::verb;
using http::handler_result;
using http::request_context;
using handler_task = boost::asio::awaitable<handler_result>;
using stream_task = boost::asio::awaitable<http::http_outcome<void>>;

gateway_metrics::gateway_metrics(util::metrics_registry& registry)
    : requests(registry.counter("visionary_gateway_requests_total",
                                "Requests to the OpenAI-compatible API by key name, endpoint and "
                                "outcome",
                                {"key", "endpoint", "outcome"})),
      images(registry.counter("visionary_gateway_images_total",
                              "Images made through the OpenAI-compatible API by key name",
                              {"key"})) {}

namespace {

constexpr std::chrono::milliseconds reconnect_hint{2000};
// The stream events of each endpoint, as OpenAI names them.
struct event_names {
  std::string_view partial;
  std::string_view completed;
};
constexpr event_names generation_events{"image_generation.partial_image",
                                        "image_generation.completed"};
constexpr event_names edit_events{"image_edit.partial_image", "image_edit.completed"};

// Who asks: the key's name, and the identity its limits and budget count under.
struct caller {
  std::string key_name;
  std::string client;
};

// How the answer is made: what was asked (for the echoed fields) and in which form.
struct answer_plan {
  core::generation_request asked;
  bool echoes = false;  // GPT image models echo size, quality, background and output format
  image_answer_format format = image_answer_format::b64_json;
  int partial_limit = 0;
  event_names events = generation_events;
  std::string key_name;
};

// ------------------------------------------------------------------ who asks

http::http_outcome<caller> authenticate(const gateway_services& s, const request_context& ctx) {
  if (s.keys.empty()) {
    return http::http_error(http::http_error_kind::api_disabled,
                            "The OpenAI-compatible API is off on this server: its operator has "
                            "not set VISIONARY_API_KEYS.");
  }
  const auto token = bearer_token(ctx.message[bhttp::field::authorization]);
  if (!token) {
    return http::http_error(make_error(
        error_kind::unauthorized,
        "You didn't provide an API key. Send it in the Authorization header as Bearer <key>."));
  }
  auto name = s.keys.identify(*token);
  if (!name)
    return http::http_error(make_error(error_kind::unauthorized, "Incorrect API key provided."));
  return caller{*name, "key:" + *name};
}

// ------------------------------------------------------------------ the answer's parts

std::int64_t unix_seconds(util::sys_time t) {
  return util::unix_millis(t) / 1000;
}

json::object usage_json(const core::token_usage& usage) {
  const auto input = usage.input_text_tokens + usage.input_image_tokens;
  return json::object{
      {"input_tokens", input},
      {"output_tokens", usage.output_tokens},
      {"total_tokens", input + usage.output_tokens},
      {"input_tokens_details", json::object{{"image_tokens", usage.input_image_tokens},
                                            {"text_tokens", usage.input_text_tokens}}}};
}

std::string_view format_of(std::string_view content_type) {
  if (content_type == "image/jpeg") return "jpeg";
  if (content_type == "image/webp") return "webp";
  return "png";
}

// A setting as asked, "auto" when it was left to the model.
std::string asked_or_auto(const std::optional<std::string>& value) {
  return value.value_or("auto");
}

// size, quality, background and output_format as OpenAI echoes them for GPT image models: what
// the image really is where we know it, else what was asked.
void echo_settings(json::object& out, const answer_plan& plan, const core::image_record* image) {
  if (!plan.echoes) return;
  const auto& asked = plan.asked;
  out["size"] = image != nullptr && asked.size == "auto"
                    ? std::to_string(image->width) + "x" + std::to_string(image->height)
                    : asked.size;
  out["quality"] = asked_or_auto(asked.quality);
  out["background"] = asked_or_auto(asked.background);
  out["output_format"] = image != nullptr ? std::string(format_of(image->content_type))
                                          : asked.output_format.value_or("png");
}

// A site-relative link (the embedded store's /blobs/...) made absolute for callers elsewhere.
http::http_outcome<std::string> absolute_link(const gateway_services& s, const request_context& ctx,
                                              const std::string& link) {
  if (!link.starts_with("/")) return link;
  if (!s.public_url.empty()) return s.public_url + link;
  const auto origin = request_origin(ctx);
  if (!origin) {
    return http::http_error(
        make_field_error("response_format",
                         "The Host header does not name this server plainly, so no link can "
                         "be made; ask for b64_json or set VISIONARY_PUBLIC_URL."));
  }
  return *origin + link;
}

// The images in the order they were made (jobs list them newest first).
std::vector<core::image_view> in_order(std::vector<core::image_view> images) {
  std::reverse(images.begin(), images.end());
  return images;
}

boost::asio::awaitable<http::http_outcome<json::object>> image_item(const gateway_services& s,
                                                                    const request_context& ctx,
                                                                    const answer_plan& plan,
                                                                    const core::image_view& image) {
  json::object item;
  if (plan.format == image_answer_format::url) {
    auto link = absolute_link(s, ctx, image.image_link.url);
    if (!link) co_return link.error();
    item["url"] = *link;
  } else {
    auto bytes = co_await s.api.gallery.image_bytes(image.record);
    if (!bytes) co_return http::http_error(bytes.error());
    item["b64_json"] = util::base64_encode(*bytes);
  }
  if (image.record.revised_prompt) item["revised_prompt"] = *image.record.revised_prompt;
  co_return item;
}

// {created, data: [...], usage?, size?, quality?, background?, output_format?}
boost::asio::awaitable<http::http_outcome<json::object>> images_answer(
    const gateway_services& s, const request_context& ctx, const answer_plan& plan,
    const std::vector<core::image_view>& images) {
  json::array data;
  for (const auto& image : images) {
    auto item = co_await image_item(s, ctx, plan, image);
    if (!item) co_return item.error();
    data.push_back(std::move(*item));
  }
  json::object out{{"created", unix_seconds(std::chrono::system_clock::now())},
                   {"data", std::move(data)}};
  const core::image_record* first = images.empty() ? nullptr : &images.front().record;
  echo_settings(out, plan, first);
  if (first != nullptr && first->usage) out["usage"] = usage_json(*first->usage);
  co_return out;
}

// ------------------------------------------------------------------ streams

struct relay_state {
  int partials_seen = 0;  // in-between pictures the job has reported
  int partials_sent = 0;
};

boost::asio::awaitable<bool> send_error(http::sse_stream& stream, const http::http_error& error) {
  const std::string data =
      json::serialize(json::object{{"type", "error"}, {"error", openai_error_json(error)}});
  co_return co_await stream.send("error", "", data);
}

boost::asio::awaitable<bool> send_partial(http::sse_stream& stream, const answer_plan& plan,
                                          const std::string& bytes, int index) {
  json::object event{{"type", plan.events.partial},
                     {"b64_json", util::base64_encode(bytes)},
                     {"created_at", unix_seconds(std::chrono::system_clock::now())},
                     {"partial_image_index", index}};
  echo_settings(event, plan, nullptr);
  co_return co_await stream.send(plan.events.partial, "", json::serialize(event));
}

// One completed event per image, in the order they were made; the answer's usage on the last.
boost::asio::awaitable<void> send_completed(const gateway_services& s, http::sse_stream& stream,
                                            const answer_plan& plan,
                                            const std::vector<core::image_view>& images) {
  for (std::size_t i = 0; i < images.size(); ++i) {
    const auto& record = images[i].record;
    auto bytes = co_await s.api.gallery.image_bytes(record);
    if (!bytes) {
      (void)co_await send_error(stream, http::http_error(bytes.error()));
      co_return;
    }
    json::object event{{"type", plan.events.completed},
                       {"b64_json", util::base64_encode(*bytes)},
                       {"created_at", unix_seconds(record.created_at)}};
    echo_settings(event, plan, &record);
    if (i + 1 == images.size() && record.usage) event["usage"] = usage_json(*record.usage);
    if (!co_await stream.send(plan.events.completed, "", json::serialize(event))) co_return;
  }
  s.metrics.images.with({plan.key_name}).inc(double(images.size()));
}

// Relays what `job` adds: a new in-between picture, or how it ended. False when the stream is
// over (the job ended, or the client left).
boost::asio::awaitable<bool> relay_view(const gateway_services& s, http::sse_stream& stream,
                                        const answer_plan& plan, relay_state& state,
                                        const core::job_view& job) {
  const auto& progress = job.progress;
  if (progress.partial_images > state.partials_seen && progress.partial_image) {
    state.partials_seen = progress.partial_images;
    if (state.partials_sent < plan.partial_limit &&
        !co_await send_partial(stream, plan, *progress.partial_image, state.partials_sent++)) {
      co_return false;
    }
  }
  if (!core::is_terminal(job.record.status)) co_return true;
  if (job.record.status == core::job_status::succeeded) {
    co_await send_completed(s, stream, plan, in_order(job.images));
  } else {
    const app_error failure = job.record.error.value_or(
        make_error(error_kind::internal_error, "The job ended without saying why."));
    (void)co_await send_error(stream, http::http_error(failure));
  }
  co_return false;
}

// A job no longer live on this replica: how it ended, from the store.
boost::asio::awaitable<void> relay_stored(const gateway_services& s, http::sse_stream& stream,
                                          const answer_plan& plan, relay_state& state,
                                          const std::string& id) {
  auto ended = co_await s.api.jobs.find(id);
  if (!ended) {
    (void)co_await send_error(stream, http::http_error(ended.error()));
    co_return;
  }
  (void)co_await relay_view(s, stream, plan, state, *ended);
}

stream_task relay_job(const gateway_services& s, http::sse_stream& stream, const answer_plan& plan,
                      const std::string& id, std::optional<core::job_service::live_follow> live) {
  const http::http_outcome<void> done;
  relay_state state;
  if (!live) {
    co_await relay_stored(s, stream, plan, state, id);
    co_return done;
  }
  if (!co_await relay_view(s, stream, plan, state, live->now)) co_return done;
  std::uint64_t after = live->after;
  const auto log = live->log;
  for (;;) {
    auto read = log->read_after(after);
    if (!read.complete) {
      // Behind the history: the job as it is now instead (from the store once it has ended).
      auto again = s.api.jobs.follow(id);
      if (!again) {
        co_await relay_stored(s, stream, plan, state, id);
        co_return done;
      }
      after = again->after;
      if (!co_await relay_view(s, stream, plan, state, again->now)) co_return done;
      continue;
    }
    for (const auto& event : read.events) {
      after = event.id;
      if (!co_await relay_view(s, stream, plan, state, event.payload)) co_return done;
    }
    if (log->closed() || s.api.jobs.stopping()) {
      const app_error stopping =
          make_error(error_kind::interrupted,
                     "The server is restarting; the image may still appear in the "
                     "gallery.");
      (void)co_await send_error(stream, http::http_error(stopping));
      co_return done;
    }
    if (read.events.empty() && !co_await stream.keep_alive()) co_return done;
    co_await log->wait(after, http::sse_keepalive);
  }
}

// stream: true: the job is admitted and queued first (a refusal is an ordinary error answer),
// then its events are relayed as OpenAI's.
handler_task start_stream(const gateway_services& s, const caller& who,
                          core::generation_request request, answer_plan plan) {
  const core::job_options keep_partials{true};
  auto job = co_await s.api.jobs.submit(std::move(request), who.client, keep_partials);
  if (!job) co_return job.error();
  const std::string id = job->record.id;
  auto live = s.api.jobs.follow(id);
  http::body_streamer streamer = [&s, plan = std::move(plan), id, live = std::move(live)](
                                     http::body_writer& writer) mutable -> stream_task {
    http::sse_stream stream(writer);
    core::job_service::follower counted(s.api.jobs);
    if (!co_await stream.open(reconnect_hint)) co_return http::http_outcome<void>{};
    co_return co_await relay_job(s, stream, plan, id, std::move(live));
  };
  co_return http::reply(std::move(streamer));
}

// ------------------------------------------------------------------ the routes

// An unknown model is OpenAI's 404 model_not_found, not a validation failure.
outcome<void> check_model(const core::model_menu& menu, const core::generation_input& input) {
  if (!input.model || menu.find(*input.model) != nullptr) return {};
  auto error = make_error(error_kind::not_found, "The model '" + *input.model +
                                                     "' does not exist or you do not have "
                                                     "access to it.");
  error.param = "model";
  return error;
}

answer_plan plan_answer(const gateway_request& body, const core::generation_request& request,
                        const core::model_capabilities& model, const caller& who) {
  answer_plan plan;
  plan.asked = request;
  plan.asked.edit = nullptr;  // the plan echoes settings; it keeps no input bytes
  plan.echoes = model.output_format.has_value();
  plan.format = body.response_format.value_or(default_answer_format(model.id));
  plan.partial_limit = body.partial_images;
  plan.key_name = who.key_name;
  return plan;
}

// A checked request run: streamed as events, or waited for and answered as {created, data, ...}.
handler_task run_and_answer(const gateway_services& s, const request_context& ctx,
                            const caller& who, core::generation_request request, answer_plan plan,
                            bool stream) {
  if (stream) co_return co_await start_stream(s, who, std::move(request), std::move(plan));
  auto idempotency_key = parse_idempotency_key(ctx.message);
  if (!idempotency_key) co_return idempotency_key.error();
  auto images =
      co_await s.api.jobs.generate(std::move(request), std::move(*idempotency_key), who.client);
  if (!images) co_return images.error();
  const auto made = in_order(std::move(*images));
  auto answer = co_await images_answer(s, ctx, plan, made);
  if (!answer) co_return answer.error();
  s.metrics.images.with({who.key_name}).inc(double(made.size()));
  co_return http::json_response(bhttp::status::ok, *answer);
}

handler_task generate(const gateway_services& s, request_context& ctx, const caller& who) {
  if (!has_json_content_type(ctx.message)) {
    co_return http::http_error(http::http_error_kind::unsupported_media_type,
                               "Send the request as JSON with Content-Type: application/json.");
  }
  auto body = parse_gateway_request(ctx.message.body());
  if (!body) co_return body.error();
  if (auto model = check_model(s.api.models, body->input); !model) co_return model.error();
  auto request = core::validate_generation(body->input, s.api.models, s.api.max_prompt_chars);
  if (!request) co_return request.error();
  request->request_id = ctx.request_id;
  const auto* model = s.api.models.find(request->model);
  if (model == nullptr) model = &s.api.models.default_model();
  auto plan = plan_answer(*body, *request, model->capabilities, who);
  co_return co_await run_and_answer(s, ctx, who, std::move(*request), std::move(plan),
                                    body->stream);
}

// ------------------------------------------------------------------ edits

http::http_outcome<gateway_edit_request> read_edit_form(const gateway_services& s,
                                                        const request_context& ctx) {
  if (!is_multipart(ctx.message)) {
    return http::http_error(http::http_error_kind::unsupported_media_type,
                            "Send the edit as multipart/form-data with the image as a file, as "
                            "OpenAI's SDKs do.");
  }
  auto parts = read_form_parts(ctx.message, s.api.max_upload_bytes);
  if (!parts) return parts.error();
  auto body = parse_gateway_edit_form(*parts);
  if (!body) return http::http_error(body.error());
  return std::move(*body);
}

// The images of an edit (the source and the rest) within the model's limit, counted as OpenAI's
// callers send them: all in `image`. A model that cannot edit is refused by prepare_edit.
outcome<void> check_image_count(const core::offered_model& model, const core::edit_form& form) {
  const auto& c = model.capabilities;
  const std::size_t images = 1 + form.references.size();
  if (!c.can_edit || images <= std::size_t(c.max_edit_images)) return {};
  return make_field_error("image", "The model '" + model.name + "' takes at most " +
                                       std::to_string(c.max_edit_images) + " image(s) to edit.");
}

// POST /v1/images/edits: the form onto the gallery's edit (an upload, so no parent image), then
// answered as a generation is, with the edit's stream events.
handler_task edit(const gateway_services& s, request_context& ctx, const caller& who) {
  auto body = read_edit_form(s, ctx);
  if (!body) co_return body.error();
  const auto& fields = body->form.fields;
  if (auto known = check_model(s.api.models, fields); !known) co_return known.error();
  const auto* model =
      fields.model ? s.api.models.find(*fields.model) : &s.api.models.default_model();
  if (auto count = check_image_count(*model, body->form); !count) co_return count.error();
  auto request = co_await s.api.generation.prepare_edit(std::move(body->form), s.api.models,
                                                        s.api.max_prompt_chars);
  if (!request) co_return http::http_error(request.error());
  request->request_id = ctx.request_id;
  auto plan = plan_answer(body->answer, *request, model->capabilities, who);
  plan.events = edit_events;
  co_return co_await run_and_answer(s, ctx, who, std::move(*request), std::move(plan),
                                    body->answer.stream);
}

json::object model_json(const gateway_services& s, const core::offered_model& model) {
  return json::object{{"id", model.name},
                      {"object", "model"},
                      {"created", unix_seconds(s.started_at)},
                      {"owned_by", s.api.provider.name()}};
}

handler_task list_models(const gateway_services& s, request_context&, const caller&) {
  json::array data;
  for (const auto& model : s.api.models.models()) data.push_back(model_json(s, model));
  co_return http::json_response(bhttp::status::ok,
                                json::object{{"object", "list"}, {"data", std::move(data)}});
}

handler_task find_model(const gateway_services& s, request_context& ctx, const caller&) {
  const auto* model = s.api.models.find(ctx.path_params.at(0));
  if (model == nullptr) {
    core::generation_input asked;
    asked.model = ctx.path_params.at(0);
    co_return check_model(s.api.models, asked).error();
  }
  co_return http::json_response(bhttp::status::ok, model_json(s, *model));
}

void count(const gateway_services& s, std::string_view key, std::string_view endpoint,
           const handler_result& result) {
  const std::string outcome = result ? "ok" : std::string(http::error_code(result.error()));
  s.metrics.requests.with({std::string(key), std::string(endpoint), outcome}).inc();
}

using gateway_handler = handler_task (*)(const gateway_services&, request_context&, const caller&);

// Every route: the key first, then the handler; each request counted under its key's name.
http::handler guarded(const gateway_services& s, std::string_view endpoint,
                      gateway_handler handler) {
  return [&s, endpoint, handler](request_context& ctx) -> handler_task {
    auto who = authenticate(s, ctx);
    if (!who) {
      handler_result refused = who.error();
      count(s, "none", endpoint, refused);
      co_return refused;
    }
    spdlog::debug("[{}] OpenAI-compatible API, key '{}'", ctx.request_id, who->key_name);
    auto result = co_await handler(s, ctx, *who);
    count(s, who->key_name, endpoint, result);
    co_return result;
  };
}

}  // namespace

void use_openai_errors(http::router& routes) {
  routes.set_error_renderer(std::string(gateway_prefix), openai_error_response);
}

void add_gateway_routes(http::router& routes, const gateway_services& services) {
  use_openai_errors(routes);
  routes.add(verb::post, "/v1/images/generations", guarded(services, "generations", generate));
  routes.add(verb::post, "/v1/images/edits", guarded(services, "edits", edit));
  routes.add(verb::get, "/v1/models", guarded(services, "models", list_models));
  routes.add(verb::get, "/v1/models/{id}", guarded(services, "models", find_model));
}

}  // namespace visionary::api
