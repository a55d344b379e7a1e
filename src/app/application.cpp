#include "app/application.hpp"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/url/parse.hpp>
#include <fstream>
#include <iostream>
#include <thread>

#include "api/api_routes.hpp"
#include "api/blob_routes.hpp"
#include "api/forwarding_routes.hpp"
#include "api/gateway_routes.hpp"
#include "api/openapi_route.hpp"
#include "core/gallery_service.hpp"
#include "core/generation_metrics.hpp"
#include "core/generation_service.hpp"
#include "core/metered_store.hpp"
#include "core/suggestion_service.hpp"
#include "http/server.hpp"
#include "net/http_client.hpp"
#include "providers/automatic1111_provider.hpp"
#include "providers/chat_suggester.hpp"
#include "providers/demo_provider.hpp"
#include "providers/openai_provider.hpp"
#include "storage/azure_blob_store.hpp"
#include "storage/fs_blob_store.hpp"
#include "ui/static_ui.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"

namespace visionary::app {

namespace {

// The key that signs embedded-store links: from the configuration, else from
// <data-dir>/signing.key, created on first run with 0600 permissions. Throws std::runtime_error
// with the fix on failure.
std::string load_signing_key(const config& c) {
  if (!c.signing_key.empty()) {
    auto key = util::base64_decode(c.signing_key);
    if (!key || key->size() < 16) {
      throw std::runtime_error(
          "VISIONARY_SIGNING_KEY must be base64 of at least 16 bytes "
          "(e.g. the output of: openssl rand -base64 32)");
    }
    return *key;
  }
  std::filesystem::create_directories(c.data_dir);
  const auto path = std::filesystem::path(c.data_dir) / "signing.key";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    const std::string encoded = util::base64_encode(util::random_bytes(32)) + "\n";
    const bool ok =
        ::write(fd, encoded.data(), encoded.size()) == ssize_t(encoded.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) throw std::runtime_error("cannot write " + path.string());
    spdlog::info("created a new link signing key in {}", path.string());
  } else if (errno != EEXIST) {
    throw std::runtime_error("cannot create " + path.string() + ": " + std::strerror(errno));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    spdlog::warn("{} is readable by other users; run: chmod 600 {}", path.string(), path.string());
  }
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  auto key = util::base64_decode(text);
  if (!key || key->size() < 16) {
    throw std::runtime_error(path.string() +
                             " does not hold a valid key; delete it to create a new one "
                             "(links handed out before become invalid)");
  }
  return *key;
}

providers::openai_provider_settings openai_settings(const config& c) {
  providers::openai_provider_settings settings;
  settings.model = c.model;
  settings.timeout = std::chrono::seconds(c.provider_timeout_seconds);
  settings.max_retries = c.provider_max_retries;
  for (const auto& model : c.models->models()) {
    if (model.capabilities.partial_images) settings.streaming_models.push_back(model.name);
  }
  settings.base_url = c.openai_base_url;
  settings.api_key = c.openai_api_key;
  settings.partial_images = c.openai_partial_images;
  if (c.provider == core::provider_kind::openai_compatible) {
    settings.flavor = providers::openai_flavor::compatible;
    settings.local_server = c.local_server;
  } else if (c.provider == core::provider_kind::azure_openai) {
    settings.flavor = providers::openai_flavor::azure;
    settings.base_url = c.azure_openai_endpoint;
    settings.api_key = c.azure_openai_api_key;
    settings.azure_api_version = c.azure_openai_api_version;
  }
  return settings;
}

providers::automatic1111_settings a1111_settings(const config& c) {
  providers::automatic1111_settings settings;
  settings.base_url = c.a1111_url;
  settings.auth = c.a1111_auth;
  settings.checkpoint = c.model;
  settings.timeout = std::chrono::seconds(c.provider_timeout_seconds);
  settings.progress_interval = std::chrono::milliseconds(c.a1111_progress_ms);
  return settings;
}

std::unique_ptr<core::image_provider> make_provider(const config& c, boost::asio::thread_pool& pool,
                                                    net::http_client& client) {
  switch (c.provider) {
    case core::provider_kind::demo:
      return std::make_unique<providers::demo_provider>(pool,
                                                        std::chrono::milliseconds(c.demo_stage_ms));
    case core::provider_kind::automatic1111:
      return std::make_unique<providers::automatic1111_provider>(a1111_settings(c), client);
    case core::provider_kind::openai:
    case core::provider_kind::azure_openai:
    case core::provider_kind::openai_compatible:
      break;
  }
  return std::make_unique<providers::openai_provider>(openai_settings(c), client);
}

// The chat model behind suggestions; null without one (offline suggestions only).
std::unique_ptr<core::prompt_suggester> make_suggester(const config& c, net::http_client& client) {
  if (!c.suggestions) return nullptr;
  providers::chat_suggester_settings settings;
  settings.flavor = c.suggestions->flavor;
  settings.base_url = c.suggestions->base_url;
  settings.api_key = c.suggestions->api_key;
  settings.auth = c.suggestions->auth;
  settings.model = c.suggestion_model;
  settings.timeout = std::chrono::seconds(c.suggestion_timeout_seconds);
  return std::make_unique<providers::chat_suggester>(std::move(settings), client);
}

std::unique_ptr<core::suggestion_service> make_suggestions(const config& c,
                                                           boost::asio::io_context& io,
                                                           core::prompt_suggester* suggester,
                                                           core::suggestion_metrics& metrics) {
  core::suggestion_settings settings;
  settings.max_calls_per_minute = c.suggestion_rate;
  return std::make_unique<core::suggestion_service>(io.get_executor(), suggester, settings,
                                                    &metrics);
}

core::cost_limits cost_limits_for(const config& c) {
  core::cost_limits limits;
  limits.admission = c.admission;
  limits.ledger.daily_budget_usd = c.daily_budget_usd;
  limits.ledger.client_daily_images = c.client_daily_images;
  limits.ledger.reset_hour_utc = c.budget_reset_hour;
  // A generation that has not settled by then never will (its replica died).
  limits.ledger.reservation_lifetime =
      std::chrono::seconds(c.provider_timeout_seconds * (c.provider_max_retries + 1) + 300);
  return limits;
}

// Everything the roles that execute requests (serve, functions) own; lives until run() returns.
struct backend {
  std::unique_ptr<core::blob_store> raw_store;
  std::unique_ptr<core::generation_metrics> metrics;
  std::unique_ptr<core::blob_store> store;     // raw_store, counted
  storage::fs_blob_store* fs_store = nullptr;  // set when this process serves the links itself
  std::string image_origin;                    // where image links point when it is not this site
  std::unique_ptr<core::image_provider> provider;
  std::unique_ptr<core::gallery_service> gallery;
  std::unique_ptr<core::owned_cost_control> costs;
  std::unique_ptr<core::generation_service> generation;
  std::unique_ptr<core::gallery_feed> feed;
  std::unique_ptr<core::job_service> jobs;
  std::unique_ptr<core::prompt_suggester> suggester;
  std::unique_ptr<core::suggestion_metrics> suggestion_metrics;
  std::unique_ptr<core::suggestion_service> suggestions;
  std::unique_ptr<api::api_services> services;
  std::unique_ptr<api::gateway_metrics> gateway_metrics;
  std::unique_ptr<api::gateway_services> gateway;
};

// Opens the store (creating the Azure container when needed); false after logging why not.
bool open_store(const config& c, boost::asio::io_context& io, boost::asio::thread_pool& pool,
                net::http_client& client, backend& b) {
  if (c.storage == storage_kind::azure) {
    auto account = storage::parse_connection_string(c.azure_storage_connection_string);
    auto opening = boost::asio::co_spawn(
        io, storage::azure_blob_store::open(std::move(*account), c.container, client),
        boost::asio::use_future);
    io.run();
    io.restart();
    auto opened = opening.get();
    if (!opened) {
      spdlog::critical("cannot use Azure Blob Storage: {}", opened.error().message);
      return false;
    }
    if (auto url = boost::urls::parse_absolute_uri((*opened)->client().account().blob_endpoint)) {
      b.image_origin = std::string(url->scheme()) + "://" + std::string(url->encoded_authority());
    }
    b.raw_store = std::move(*opened);
    return true;
  }
  storage::fs_blob_store_options store_options;
  store_options.data_dir = c.data_dir;
  store_options.container = c.container;
  store_options.signing_key = load_signing_key(c);
  auto opened = storage::fs_blob_store::open(std::move(store_options), pool);
  if (!opened) {
    spdlog::critical("cannot open the store: {}", opened.error().message);
    return false;
  }
  b.fs_store = opened->get();
  b.raw_store = std::move(*opened);
  return true;
}

// The price of each model on the menu.
std::map<std::string, core::price_plan, std::less<>> model_plans(const config& c) {
  std::map<std::string, core::price_plan, std::less<>> plans;
  for (const auto& model : c.models->models())
    plans[model.name] = core::plan_for(c.prices, c.provider, model.name);
  return plans;
}

// Opens the store and builds the services on it; nullopt after logging why the store cannot be
// used. Every store operation of the services is counted in `registry`.
std::optional<backend> build_backend(const config& c, boost::asio::io_context& io,
                                     boost::asio::thread_pool& pool,
                                     boost::asio::thread_pool& image_pool,
                                     boost::asio::thread_pool& preview_pool,
                                     net::http_client& client, util::metrics_registry& registry,
                                     std::chrono::steady_clock::time_point started_at) {
  backend b;
  if (!open_store(c, io, pool, client, b)) return std::nullopt;
  b.metrics = std::make_unique<core::generation_metrics>(registry);
  b.store = std::make_unique<core::metered_store>(*b.raw_store, b.metrics->storage_operations);
  b.provider = make_provider(c, image_pool, client);
  b.gallery = std::make_unique<core::gallery_service>(*b.store);
  b.costs = std::make_unique<core::owned_cost_control>(
      *b.store, cost_limits_for(c), core::plan_for(c.prices, c.provider, c.model),
      std::string(b.provider->name()), c.model, &registry);
  b.costs->get().set_model_plans(model_plans(c));
  b.generation = std::make_unique<core::generation_service>(
      *b.provider, *b.store, *b.gallery, b.costs->get(), image_pool, c.max_image_pixels);
  // Other replicas write to a shared store: watch its head for their images.
  b.feed = std::make_unique<core::gallery_feed>(
      io.get_executor(), *b.store, *b.gallery,
      core::feed_settings{c.storage == storage_kind::azure, std::chrono::milliseconds(2000), 256},
      b.metrics.get());
  core::job_settings jobs;
  jobs.concurrency = provider_concurrency_for(c);
  jobs.max_jobs = std::size_t(c.max_jobs);
  jobs.heartbeat_interval = std::chrono::seconds(c.job_heartbeat_seconds);
  b.jobs =
      std::make_unique<core::job_service>(io.get_executor(), *b.generation, *b.gallery, *b.store,
                                          *b.feed, preview_pool, jobs, b.metrics.get());
  b.suggester = make_suggester(c, client);
  b.suggestion_metrics = std::make_unique<core::suggestion_metrics>(registry);
  b.suggestions = make_suggestions(c, io, b.suggester.get(), *b.suggestion_metrics);
  b.services = std::make_unique<api::api_services>(api::api_services{
      *b.gallery, *b.generation, *b.jobs, *b.feed, b.costs->get(), *b.provider, *c.models,
      *b.suggestions, std::string(b.store->kind()), c.max_prompt_chars, c.max_body_bytes,
      c.max_upload_bytes, c.max_image_pixels, c.admin_token, started_at, c.events});
  b.gateway_metrics = std::make_unique<api::gateway_metrics>(registry);
  b.gateway = std::make_unique<api::gateway_services>(api::gateway_services{
      *b.services, c.api_keys, c.public_url, *b.gateway_metrics, std::chrono::system_clock::now()});
  return b;
}

// GET /metrics (Prometheus text format). With a functions key or admin token configured, only a
// caller presenting one of them may read it.
void add_metrics_route(const config& c, http::router& routes, util::metrics_registry& registry) {
  routes.add(
      boost::beast::http::verb::get, "/metrics",
      [&c, &registry](http::request_context& ctx) -> boost::asio::awaitable<http::handler_result> {
        const bool protected_by_key = !c.functions_key.empty() || !c.admin_token.empty();
        const bool admin = http::presents_bearer_token(ctx.message, c.admin_token);
        if (protected_by_key && !admin && !http::presents_function_key(ctx, c.functions_key)) {
          co_return make_error(error_kind::unauthorized,
                               "Reading the metrics needs Authorization: Bearer <admin "
                               "token> or the function key.");
        }
        http::response res{boost::beast::http::status::ok, 11};
        res.set(boost::beast::http::field::content_type,
                "text/plain; version=0.0.4; charset=utf-8");
        res.set(boost::beast::http::field::cache_control, "no-store");
        res.body() = registry.render();
        res.prepare_payload();
        co_return res;
      });
}

// functions role with a key: every /api call must present it (header, or ?code= as Azure does).
http::router::guard function_key_guard(std::string key) {
  return [key = std::move(key)](const http::request_context& ctx) -> http::http_outcome<void> {
    if (!http::presents_function_key(ctx, key)) {
      return http::http_error(http::http_error_kind::invalid_function_key,
                              "This API needs a valid function key in the x-functions-key header.");
    }
    return {};
  };
}

void add_web_routes(const config& c, http::router& routes, net::http_client& client) {
  routes.set_client_policy(http::client_policy{c.trusted_proxy_ranges, {}});
  api::add_forwarding_routes(
      routes, client,
      api::backend_settings{c.functions_url, c.functions_key,
                            std::chrono::seconds(c.functions_timeout_seconds), c.max_upload_bytes,
                            c.max_body_bytes});
  api::add_openapi_route(routes);
  // Where the backend's links point is not known here; any https origin (Azure Storage, a CDN).
  ui::add_ui_routes(routes, c.web_root, "https:");
}

void add_backend_routes(const config& c, http::router& routes, backend& parts) {
  // The web tier presents the functions key and names the browser in X-Forwarded-For.
  routes.set_client_policy(http::client_policy{
      c.trusted_proxy_ranges, c.run_role == role::functions ? c.functions_key : std::string()});
  api::add_api_routes(routes, *parts.services);
  api::add_openapi_route(routes);
  api::add_gateway_routes(routes, *parts.gateway);
  if (parts.fs_store != nullptr) api::add_blob_routes(routes, *parts.fs_store);
  if (c.run_role == role::serve) ui::add_ui_routes(routes, c.web_root, parts.image_origin);
  if (c.run_role == role::functions && !c.functions_key.empty()) {
    routes.set_api_guard(function_key_guard(c.functions_key));
  }
}

// Raises the soft descriptor limit to the hard one (as far as max_descriptors) and returns what
// it is now: the connection cap is sized from it.
std::size_t raise_descriptor_limit() {
  constexpr rlim_t max_descriptors = 1 << 20;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  const rlim_t wanted = std::min(limit.rlim_max, max_descriptors);
  if (limit.rlim_cur < wanted) {
    rlimit raised = limit;
    raised.rlim_cur = wanted;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return static_cast<std::size_t>(limit.rlim_cur);
}

// Half the descriptors left after a reserve (the listener, outbound calls): a connection may hold
// a file it streams too. Never fewer than a handful, never more than needed.
std::size_t default_max_connections(std::size_t descriptors) {
  constexpr std::size_t reserve = 64;
  constexpr std::size_t smallest = 16;
  constexpr std::size_t largest = 8192;
  const std::size_t usable = descriptors > reserve ? (descriptors - reserve) / 2 : 0;
  return std::clamp(usable, smallest, largest);
}

http::server_options server_options_for(const config& c) {
  http::server_options options;
  options.host = c.host;
  options.port = static_cast<unsigned short>(c.port);
  options.body_limit = c.max_body_bytes;
  // Edits upload images: their routes alone take bodies up to the upload limit.
  options.upload_paths = {"/api/editImage", "/api/jobs", "/v1/images/edits"};
  options.upload_body_limit = c.max_upload_bytes;
  options.shutdown_grace = std::chrono::seconds(c.shutdown_grace_seconds);
  const std::size_t descriptors = raise_descriptor_limit();
  options.caps.max_total =
      c.max_connections > 0 ? std::size_t(c.max_connections) : default_max_connections(descriptors);
  options.caps.max_per_client = std::size_t(c.max_connections_per_client);
  options.uncapped_peers = c.trusted_proxy_ranges;
  spdlog::info("connections: at most {} ({} per client), {} descriptors", options.caps.max_total,
               options.caps.max_per_client, descriptors);
  return options;
}

// SIGINT/SIGTERM once: in-flight requests finish, then run() returns; a second one stops at once.
void stop_on_signals(boost::asio::signal_set& signals, http::server& server,
                     boost::asio::io_context& io, backend* parts) {
  // Once every connection has finished, the signal set is the only work left: drop it.
  server.on_drained(
      [&signals] { boost::asio::post(signals.get_executor(), [&signals] { signals.cancel(); }); });
  signals.async_wait([&signals, &server, &io, parts](boost::system::error_code ec, int signal) {
    if (ec) return;
    spdlog::info("received {}, finishing in-flight requests (send it again to stop at once)",
                 signal == SIGINT ? "SIGINT" : "SIGTERM");
    signals.async_wait([&io](boost::system::error_code again, int) {
      if (!again) io.stop();
    });
    server.stop();
    // Event streams end and queued jobs are told they will not run; running ones finish.
    if (parts != nullptr) {
      parts->jobs->stop();
      parts->feed->stop();
      parts->suggestions->stop();
    }
  });
}

void announce(const config& c, unsigned short port) {
  const std::string host = c.host.find(':') != std::string::npos ? "[" + c.host + "]" : c.host;
  spdlog::info("VisionaryAI {} listening on http://{}:{}", VISIONARY_VERSION, host, port);
  std::cout << "visionary listening on http://" << host << ":" << port << std::endl;
}

}  // namespace

int run(const config& c) {
  const auto started_at = std::chrono::steady_clock::now();
  const unsigned threads =
      c.threads > 0 ? unsigned(c.threads) : std::max(2u, std::thread::hardware_concurrency());
  boost::asio::thread_pool blocking_pool(std::max(2u, threads));
  // Decoding and painting images: at most this many at once, apart from file serving.
  boost::asio::thread_pool image_pool(std::max(1u, threads / 2));
  // Making jobs' previews small: one thread, so previews never wait behind full-size images.
  boost::asio::thread_pool preview_pool(1);
  boost::asio::io_context io{static_cast<int>(threads)};
  net::http_client client(c.ca_file);

  util::metrics_registry registry;
  http::http_metrics request_metrics(registry);
  http::router routes;
  std::optional<backend> parts;
  if (c.run_role == role::web) {
    add_web_routes(c, routes, client);
  } else {
    parts =
        build_backend(c, io, blocking_pool, image_pool, preview_pool, client, registry, started_at);
    if (!parts) return 1;
    add_backend_routes(c, routes, *parts);
  }
  if (c.metrics) add_metrics_route(c, routes, registry);
  auto options = server_options_for(c);
  options.metrics = &request_metrics;
  http::server server(io, options, routes);
  unsigned short port = 0;
  try {
    port = server.start();
  } catch (const boost::system::system_error& e) {
    spdlog::critical("cannot listen on {}:{}: {}", c.host, c.port, e.code().message());
    return 1;
  }
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  stop_on_signals(signals, server, io, parts ? &*parts : nullptr);
  if (parts) {
    parts->jobs->start();
    parts->feed->start();
    parts->suggestions->start();
  }
  announce(c, port);

  std::vector<std::thread> workers;
  for (unsigned i = 1; i < threads; ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& worker : workers) worker.join();
  blocking_pool.join();
  image_pool.join();
  preview_pool.join();
  spdlog::info("stopped");
  return 0;
}

}  // namespace visionary::app
