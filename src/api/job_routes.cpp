#include "api/job_routes.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "api/api_edge.hpp"
#include "api/image_json.hpp"
#include "core/request_settings.hpp"
#include "http/sse.hpp"

namespace visionary::api {

namespace json = boost::json;
namespace bhttp = boost::beast::http;
using verb = bhttp::verb;
using http::handler_result;
using http::request_context;
using handler_task = boost::asio::awaitable<handler_result>;
using stream_task = boost::asio::awaitable<http::http_outcome<void>>;

namespace {

// How often a job running on another replica is read again for its event stream.
constexpr std::chrono::seconds remote_job_poll{1};
constexpr std::chrono::milliseconds reconnect_hint{2000};

json::value optional_number(const std::optional<double>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}
json::value optional_number(const std::optional<int>& value) {
  return value ? json::value(*value) : json::value(nullptr);
}
json::value optional_time(const std::optional<util::sys_time>& t) {
  return t ? json::value(util::format_rfc3339_millis(*t)) : json::value(nullptr);
}
// The settings the job was asked for, plus n; size, quality and style are null when unset.
json::object job_options(const core::generation_request& request) {
  json::object options = core::settings_json(request);
  for (const char* key : {"size", "quality", "style"}) {
    if (!options.contains(key)) options[key] = nullptr;
  }
  options["n"] = request.n;
  return options;
}

std::string_view terminal_event(core::job_status status) {
  switch (status) {
    case core::job_status::succeeded:
      return "completed";
    case core::job_status::cancelled:
      return "cancelled";
    default:
      return "failed";
  }
}

http::response job_response(bhttp::status status, const core::job_view& job) {
  auto res = http::json_response(status, job_to_json(job));
  res.set(bhttp::field::cache_control, "no-store");
  return res;
}

// A generation (JSON) or an edit (multipart, which alone may use the upload limit).
boost::asio::awaitable<http::http_outcome<core::generation_request>> read_job_request(
    const api_services& services, request_context& ctx) {
  if (is_multipart(ctx.message)) co_return co_await read_edit_request(services, ctx);
  if (ctx.message.body().size() > services.max_body_bytes)
    co_return http::http_error(
        http::http_error_kind::payload_too_large,
        "The request body is larger than " + std::to_string(services.max_body_bytes) + " bytes.");
  co_return read_generation_request(ctx, services.models, services.max_prompt_chars);
}

handler_task submit_job(const api_services& services, request_context& ctx) {
  auto request = co_await read_job_request(services, ctx);
  if (!request) co_return request.error();
  auto job = co_await services.jobs.submit(std::move(*request), ctx.client);
  if (!job) co_return job.error();
  auto res = job_response(bhttp::status::accepted, *job);
  res.set(bhttp::field::location, "/api/jobs/" + job->record.id);
  co_return res;
}

handler_task find_job(const api_services& services, request_context& ctx) {
  auto job = co_await services.jobs.find(ctx.path_params.at(0));
  if (!job) co_return job.error();
  co_return job_response(bhttp::status::ok, *job);
}

handler_task cancel_job(const api_services& services, request_context& ctx) {
  auto job = co_await services.jobs.cancel(ctx.path_params.at(0));
  if (!job) co_return job.error();
  co_return job_response(bhttp::status::ok, *job);
}

// Sends the job as it is now ("state"), then its terminal event when it has ended; false when the
// stream should stop (the job ended, or the client left).
boost::asio::awaitable<bool> send_state(http::sse_stream& stream, std::string_view id,
                                        const core::job_view& job) {
  const std::string data = json::serialize(job_to_json(job));
  if (!co_await stream.send("state", id, data)) co_return false;
  if (!core::is_terminal(job.record.status)) co_return true;
  (void)co_await stream.send(terminal_event(job.record.status), id, data);
  co_return false;
}

// A job of this replica: every event as it is published, a fresh state when the client fell
// behind the history.
stream_task follow_live(const api_services& services, http::sse_stream& stream,
                        core::job_service::live_follow live) {
  std::uint64_t after = live.after;
  if (!co_await send_state(stream, std::to_string(after), live.now))
    co_return http::http_outcome<void>{};
  for (;;) {
    auto read = live.log->read_after(after);
    if (!read.complete) {
      // Behind the history: the job as it is now instead (from the store once it has ended).
      auto again = services.jobs.follow(live.now.record.id);
      if (!again) {
        auto ended = co_await services.jobs.find(live.now.record.id);
        if (ended) (void)co_await send_state(stream, "", *ended);
        co_return http::http_outcome<void>{};
      }
      after = again->after;
      if (!co_await send_state(stream, std::to_string(after), again->now))
        co_return http::http_outcome<void>{};
      continue;
    }
    for (const auto& event : read.events) {
      after = event.id;
      const bool ends = core::is_terminal(event.payload.record.status);
      if (!co_await stream.send(event.name, std::to_string(event.id),
                                json::serialize(job_to_json(event.payload))) ||
          ends) {
        co_return http::http_outcome<void>{};
      }
    }
    if (live.log->closed() || services.jobs.stopping()) co_return http::http_outcome<void>{};
    if (read.events.empty() && !co_await stream.keep_alive()) co_return http::http_outcome<void>{};
    co_await live.log->wait(after, http::sse_keepalive);
  }
}

// A job of another replica (or one already ended): its stored state, read again every second
// until it ends; the record changes only with the job's state.
stream_task follow_stored(const api_services& services, http::sse_stream& stream,
                          core::job_view job) {
  boost::asio::steady_timer pause(co_await boost::asio::this_coro::executor);
  if (!co_await send_state(stream, "", job)) co_return http::http_outcome<void>{};
  while (!services.jobs.stopping()) {
    pause.expires_after(remote_job_poll);
    co_await pause.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    auto now = co_await services.jobs.find(job.record.id);
    if (!now) co_return http::http_outcome<void>{};
    if (now->record.status != job.record.status) {
      job = std::move(*now);
      const auto name = core::is_terminal(job.record.status) ? terminal_event(job.record.status)
                                                             : std::string_view("state");
      if (!co_await stream.send(name, "", json::serialize(job_to_json(job))) ||
          core::is_terminal(job.record.status)) {
        co_return http::http_outcome<void>{};
      }
    } else if (!co_await stream.keep_alive()) {
      co_return http::http_outcome<void>{};
    }
  }
  co_return http::http_outcome<void>{};
}

// Where answers cannot stream (an Azure Functions host that buffers them) the event routes say
// so at once instead of holding a connection that would deliver nothing.
outcome<void> check_events_served(const api_services& services) {
  if (services.events) return {};
  return make_error(error_kind::not_found,
                    "Live events are off on this server; poll GET /api/jobs/{id} and "
                    "GET /api/getImages instead.");
}

handler_task job_events(const api_services& services, request_context& ctx) {
  if (auto served = check_events_served(services); !served) co_return served.error();
  const std::string id = ctx.path_params.at(0);
  auto live = services.jobs.follow(id);
  std::optional<core::job_view> stored;
  if (!live) {
    auto found = co_await services.jobs.find(id);
    if (!found) co_return found.error();  // 404 before any event
    stored = std::move(*found);
  }
  http::body_streamer streamer = [&services, live = std::move(live), stored = std::move(stored)](
                                     http::body_writer& writer) mutable -> stream_task {
    http::sse_stream stream(writer);
    core::job_service::follower counted(services.jobs);
    if (!co_await stream.open(reconnect_hint)) co_return http::http_outcome<void>{};
    if (live) co_return co_await follow_live(services, stream, std::move(*live));
    co_return co_await follow_stored(services, stream, std::move(*stored));
  };
  co_return http::reply(std::move(streamer));
}

// ------------------------------------------------------------------ the gallery's events

json::value change_json(const core::gallery_change& change) {
  if (change.created) return image_to_json(*change.created);
  return json::object{{"id", change.deleted_id}};
}

// The event id a Last-Event-ID header names on this replica's feed, if it is one of ours.
std::optional<std::uint64_t> resume_point(const request_context& ctx, const std::string& epoch) {
  const auto it = ctx.message.find("Last-Event-ID");
  if (it == ctx.message.end()) return std::nullopt;
  const std::string_view value = it->value();
  if (!value.starts_with(epoch + "-")) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : value.substr(epoch.size() + 1)) {
    if (c < '0' || c > '9' || n > (UINT64_MAX - 9) / 10) return std::nullopt;
    n = n * 10 + std::uint64_t(c - '0');
  }
  return n;
}

stream_task stream_gallery(const api_services& services, http::sse_stream& stream,
                           std::optional<std::uint64_t> resume, bool asked_to_resume) {
  auto& feed = services.feed;
  auto& log = feed.log();
  core::gallery_feed::subscription subscribed(feed);
  std::uint64_t after = resume.value_or(log.last_id());
  // A resume point this replica cannot serve: the client refetches instead of missing changes.
  if (asked_to_resume && (!resume || !log.read_after(after).complete)) {
    after = log.last_id();
    if (!co_await stream.send("reset", feed.epoch() + "-" + std::to_string(after), "{}"))
      co_return http::http_outcome<void>{};
  }
  for (;;) {
    auto read = log.read_after(after);
    if (!read.complete) {
      after = log.last_id();
      if (!co_await stream.send("reset", feed.epoch() + "-" + std::to_string(after), "{}"))
        co_return http::http_outcome<void>{};
      continue;
    }
    for (const auto& event : read.events) {
      after = event.id;
      if (!co_await stream.send(event.name, feed.epoch() + "-" + std::to_string(event.id),
                                json::serialize(change_json(event.payload)))) {
        co_return http::http_outcome<void>{};
      }
    }
    if (log.closed()) co_return http::http_outcome<void>{};
    if (read.events.empty() && !co_await stream.keep_alive()) co_return http::http_outcome<void>{};
    co_await log.wait(after, http::sse_keepalive);
  }
}

handler_task gallery_events(const api_services& services, request_context& ctx) {
  if (auto served = check_events_served(services); !served) co_return served.error();
  const auto resume = resume_point(ctx, services.feed.epoch());
  const bool asked = ctx.message.find("Last-Event-ID") != ctx.message.end();
  http::body_streamer streamer = [&services, resume,
                                  asked](http::body_writer& writer) -> stream_task {
    http::sse_stream stream(writer);
    if (!co_await stream.open(reconnect_hint)) co_return http::http_outcome<void>{};
    co_return co_await stream_gallery(services, stream, resume, asked);
  };
  co_return http::reply(std::move(streamer));
}

}  // namespace

json::value job_to_json(const core::job_view& job) {
  const auto& r = job.record;
  json::array images;
  for (const auto& image : job.images) images.push_back(image_to_json(image));
  json::object progress{
      {"fraction", optional_number(job.progress.fraction)},
      {"step", optional_number(job.progress.step)},
      {"steps", optional_number(job.progress.steps)},
      {"etaSeconds", optional_number(job.progress.eta_seconds)},
      {"previewUrl",
       job.progress.preview_url ? json::value(*job.progress.preview_url) : json::value(nullptr)}};
  json::value error = nullptr;
  if (r.error)
    error = json::object{{"code", error_code(r.error->kind)}, {"message", r.error->message}};
  return json::object{{"id", r.id},
                      {"status", core::job_status_name(r.status)},
                      {"prompt", r.request.prompt},
                      {"options", job_options(r.request)},
                      {"createdAt", util::format_rfc3339_millis(r.created_at)},
                      {"startedAt", optional_time(r.started_at)},
                      {"finishedAt", optional_time(r.finished_at)},
                      {"queuePosition", optional_number(job.queue_position)},
                      {"progress", std::move(progress)},
                      {"images", std::move(images)},
                      {"error", std::move(error)}};
}

void add_job_routes(http::router& routes, const api_services& services) {
  const auto with_services = [&services](auto handler) {
    return [&services, handler](request_context& ctx) { return handler(services, ctx); };
  };
  routes.add(verb::post, "/api/jobs", with_services(submit_job));
  routes.add(verb::get, "/api/jobs/{id}", with_services(find_job));
  routes.add(verb::delete_, "/api/jobs/{id}", with_services(cancel_job));
  routes.add(verb::get, "/api/jobs/{id}/events", with_services(job_events));
  routes.add(verb::get, "/api/events", with_services(gallery_events));
}

}  // namespace visionary::api
