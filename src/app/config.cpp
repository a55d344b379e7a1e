#include "app/config.hpp"

#include <CLI/CLI.hpp>
#include <boost/url/parse.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "core/naming.hpp"
#include "imaging/image_codec.hpp"
#include "net/http_client.hpp"
#include "providers/automatic1111_protocol.hpp"
#include "storage/connection_string.hpp"
#include "util/redact.hpp"
#include "util/text.hpp"

namespace visionary::app {

namespace {

// Options every role has.
void add_listener_options(CLI::App& cmd, config& c) {
  cmd.add_option("--host", c.host, "Address to listen on")
      ->envname("VISIONARY_HOST")
      ->capture_default_str();
  cmd.add_option("--port", c.port, "Port to listen on (0 picks a free port)")
      ->envname("VISIONARY_PORT")
      ->capture_default_str();
  cmd.add_option("--threads", c.threads, "Worker threads (0: one per core)")
      ->envname("VISIONARY_THREADS")
      ->capture_default_str();
  cmd.add_option("--log-level", c.log_level, "trace, debug, info, warn, error")
      ->envname("VISIONARY_LOG_LEVEL")
      ->capture_default_str();
  cmd.add_option("--max-body-bytes", c.max_body_bytes, "Largest accepted request body")
      ->envname("VISIONARY_MAX_BODY_BYTES")
      ->capture_default_str();
  cmd.add_option("--max-upload-bytes", c.max_upload_bytes,
                 "Largest accepted image-edit upload (the multipart body of POST /api/editImage)")
      ->envname("VISIONARY_MAX_UPLOAD_BYTES")
      ->capture_default_str();
  cmd.add_option("--max-connections", c.max_connections,
                 "Open client connections at most (0: sized from the descriptor limit)")
      ->envname("VISIONARY_MAX_CONNECTIONS")
      ->capture_default_str();
  cmd.add_option("--max-connections-per-client", c.max_connections_per_client,
                 "Open connections per client address at most (0: no cap; trusted proxies are "
                 "exempt)")
      ->envname("VISIONARY_MAX_CONNECTIONS_PER_CLIENT")
      ->capture_default_str();
  cmd.add_option("--shutdown-grace", c.shutdown_grace_seconds,
                 "Seconds in-flight requests get to finish on SIGINT/SIGTERM")
      ->envname("VISIONARY_SHUTDOWN_GRACE")
      ->capture_default_str();
  cmd.add_option("--trusted-proxies", c.trusted_proxies,
                 "Comma-separated CIDRs of proxies whose X-Forwarded-For names the client")
      ->envname("VISIONARY_TRUSTED_PROXIES");
  cmd.add_flag("--metrics", c.metrics,
               "Serve Prometheus metrics at /metrics (behind the admin token or function key "
               "when one is configured)")
      ->envname("VISIONARY_METRICS");
  cmd.add_option("--ca-file", c.ca_file, "Extra trusted CA certificates (PEM) for outbound HTTPS")
      ->envname("VISIONARY_CA_FILE");
}

// Which image provider, and how to reach it (serve, functions).
// Which models are offered, and how the catalogue describes them.
void add_model_options(CLI::App& cmd, config& c) {
  cmd.add_option("--model", c.model,
                 "Default image model, or the Azure deployment (default: gpt-image-2)")
      ->envname("VISIONARY_MODEL");
  cmd.add_option("--models", c.offered_models,
                 "Models offered to users, comma-separated (default: the catalogue's current "
                 "OpenAI models; other providers: --model only)")
      ->envname("VISIONARY_MODELS")
      ->delimiter(',');
  cmd.add_option("--catalog-model", c.catalog_model,
                 "Catalogue entry describing --model when its name does not (an Azure "
                 "deployment running gpt-image-2: gpt-image-2)")
      ->envname("VISIONARY_CATALOG_MODEL");
  cmd.add_option("--models-file", c.models_file,
                 "JSON file adding or overriding model catalogue entries (see README)")
      ->envname("VISIONARY_MODELS_FILE");
}

// Local engines: AUTOMATIC1111-compatible servers and the kind of OpenAI-compatible one.
void add_local_engine_options(CLI::App& cmd, config& c) {
  cmd.add_option(
         "--local-server", c.local_server_name,
         "The OpenAI-compatible server (for --provider openai-compatible): generic, localai "
         "or sd-server; the last two take a negative prompt, seed and steps")
      ->envname("VISIONARY_LOCAL_SERVER")
      ->capture_default_str();
  cmd.add_option("--a1111-url", c.a1111_url,
                 "AUTOMATIC1111-compatible server (for --provider automatic1111)")
      ->envname("VISIONARY_A1111_URL")
      ->capture_default_str();
  cmd.add_option("--a1111-auth", c.a1111_auth,
                 "user:pass for an AUTOMATIC1111 server started with --api-auth")
      ->envname("VISIONARY_A1111_AUTH");
  cmd.add_option("--a1111-progress-ms", c.a1111_progress_ms,
                 "Milliseconds between progress (and preview) polls of a running AUTOMATIC1111 "
                 "generation (0: no polling)")
      ->envname("VISIONARY_A1111_PROGRESS_MS")
      ->capture_default_str();
}

void add_provider_options(CLI::App& cmd, config& c) {
  cmd.add_option("--provider", c.provider_name,
                 "demo, openai, azure-openai, openai-compatible or automatic1111 (default: openai "
                 "with a key, else demo)")
      ->envname("VISIONARY_PROVIDER");
  add_model_options(cmd, c);
  add_local_engine_options(cmd, c);
  cmd.add_option("--openai-api-key", c.openai_api_key, "OpenAI (or compatible server) API key")
      ->envname("OPENAI_API_KEY");
  cmd.add_option("--openai-base-url", c.openai_base_url, "OpenAI API base URL, including /v1")
      ->envname("OPENAI_BASE_URL")
      ->capture_default_str();
  cmd.add_option("--azure-openai-endpoint", c.azure_openai_endpoint,
                 "Azure OpenAI endpoint, https://{resource}.openai.azure.com")
      ->envname("AZURE_OPENAI_ENDPOINT");
  cmd.add_option("--azure-openai-api-key", c.azure_openai_api_key, "Azure OpenAI key")
      ->envname("AZURE_OPENAI_API_KEY");
  cmd.add_option("--azure-openai-api-version", c.azure_openai_api_version,
                 "Azure OpenAI api-version, e.g. 2025-04-01-preview: selects the classic "
                 "deployments API (default: unset, the v1 API)")
      ->envname("AZURE_OPENAI_API_VERSION");
  cmd.add_option("--openai-partial-images", c.openai_partial_images,
                 "Partial images (previews) a GPT image generation streams on OpenAI and Azure "
                 "OpenAI, 0 to 3 (each costs about 100 output tokens)")
      ->envname("VISIONARY_OPENAI_PARTIAL_IMAGES")
      ->capture_default_str();
  cmd.add_option("--provider-timeout", c.provider_timeout_seconds,
                 "Seconds to wait for one provider answer")
      ->envname("VISIONARY_PROVIDER_TIMEOUT")
      ->capture_default_str();
  cmd.add_option("--provider-retries", c.provider_max_retries,
                 "Retries on provider rate limits and outages")
      ->envname("VISIONARY_PROVIDER_RETRIES")
      ->capture_default_str();
}

// Suggestions from a language model (serve, functions).
void add_suggestion_options(CLI::App& cmd, config& c) {
  cmd.add_option("--suggestion-model", c.suggestion_model,
                 "Chat model (or Azure deployment) that writes prompt suggestions, e.g. "
                 "gpt-4o-mini (default: unset, suggestions from offline lists)")
      ->envname("VISIONARY_SUGGESTION_MODEL");
  cmd.add_option("--suggestion-url", c.suggestion_url,
                 "Chat Completions base URL including /v1, e.g. http://127.0.0.1:8080/v1 for "
                 "llama-server (default: OpenAI, or AZURE_OPENAI_ENDPOINT with azure-openai)")
      ->envname("VISIONARY_SUGGESTION_URL");
  cmd.add_option("--suggestion-api-key", c.suggestion_api_key,
                 "Key of the suggestion server (default: the image provider's key when it is "
                 "for the same server)")
      ->envname("VISIONARY_SUGGESTION_API_KEY");
  cmd.add_option("--suggestion-auth", c.suggestion_auth,
                 "bearer, api-key or none (default: api-key for Azure, bearer for OpenAI, and "
                 "for other servers bearer with a key, else none)")
      ->envname("VISIONARY_SUGGESTION_AUTH");
  cmd.add_option("--suggestion-timeout", c.suggestion_timeout_seconds,
                 "Seconds one suggestion call may take (1 to 60)")
      ->envname("VISIONARY_SUGGESTION_TIMEOUT")
      ->capture_default_str();
  cmd.add_option("--suggestion-rate", c.suggestion_rate,
                 "Calls to the suggestion model per minute at most (1 to 600)")
      ->envname("VISIONARY_SUGGESTION_RATE")
      ->capture_default_str();
}

// Options of the roles that generate and store images (serve, functions).
void add_backend_options(CLI::App& cmd, config& c) {
  cmd.add_option("--data-dir", c.data_dir, "Folder of the embedded store and the signing key")
      ->envname("VISIONARY_DATA_DIR")
      ->capture_default_str();
  cmd.add_option("--storage", c.storage_name,
                 "Blob store: fs (embedded, one process) or azure (Azure Blob Storage)")
      ->envname("VISIONARY_STORAGE")
      ->capture_default_str();
  cmd.add_option("--azure-storage-connection-string", c.azure_storage_connection_string,
                 "Azure Storage connection string (for --storage azure)")
      ->envname("AZURE_STORAGE_CONNECTION_STRING");
  cmd.add_option("--container", c.container, "Container (bucket) holding the images")
      ->envname("VISIONARY_CONTAINER")
      ->capture_default_str();
  cmd.add_option("--signing-key", c.signing_key,
                 "Base64 key for signed links (default: generated into the data dir)")
      ->envname("VISIONARY_SIGNING_KEY");
  cmd.add_option("--admin-token", c.admin_token, "Bearer token that allows DELETE /api/images/{id}")
      ->envname("VISIONARY_ADMIN_TOKEN");
  cmd.add_option("--api-keys", c.api_keys_text,
                 "Keys of the OpenAI-compatible API under /v1, as name:key,name:key (unset: the "
                 "API is off)")
      ->envname("VISIONARY_API_KEYS");
  cmd.add_option("--api-keys-file", c.api_keys_file,
                 "File of OpenAI-compatible API keys, one name:key a line (# comments)")
      ->envname("VISIONARY_API_KEYS_FILE");
  cmd.add_option("--public-url", c.public_url,
                 "This site's address as callers reach it, e.g. https://images.example.com: the "
                 "base of image links the OpenAI-compatible API hands out (default: from the "
                 "request's Host)")
      ->envname("VISIONARY_PUBLIC_URL");
  add_provider_options(cmd, c);
  add_suggestion_options(cmd, c);
  cmd.add_option("--max-prompt-chars", c.max_prompt_chars, "Longest accepted prompt, in characters")
      ->envname("VISIONARY_MAX_PROMPT_CHARS")
      ->capture_default_str();
  cmd.add_option("--max-image-pixels", c.max_image_pixels,
                 "Largest image a provider may return, in pixels (checked before decoding)")
      ->envname("VISIONARY_MAX_IMAGE_PIXELS")
      ->capture_default_str();
}

// Options of cost control (serve, functions).
void add_limit_options(CLI::App& cmd, config& c) {
  cmd.add_option(
         "--client-rate", c.client_rate,
         "Generations per client, as count/unit (s, min, hour, day); the count is the burst")
      ->envname("VISIONARY_CLIENT_RATE")
      ->capture_default_str();
  cmd.add_option("--max-in-flight", c.max_in_flight, "Generations running at once (0: no cap)")
      ->envname("VISIONARY_MAX_IN_FLIGHT")
      ->capture_default_str();
  cmd.add_option("--client-max-in-flight", c.client_max_in_flight,
                 "Generations one client may have running at once (0: no cap)")
      ->envname("VISIONARY_CLIENT_MAX_IN_FLIGHT")
      ->capture_default_str();
  cmd.add_option("--client-daily-images", c.client_daily_images,
                 "Images one client may make per day (0: no cap)")
      ->envname("VISIONARY_CLIENT_DAILY_IMAGES")
      ->capture_default_str();
  cmd.add_option("--daily-budget-usd", c.daily_budget,
                 "Spending cap per day in USD (default 5 with a paid provider; 0: unlimited)")
      ->envname("VISIONARY_DAILY_BUDGET_USD");
  cmd.add_option("--budget-reset-hour", c.budget_reset_hour,
                 "Hour (UTC) at which the day's budget and quotas start again")
      ->envname("VISIONARY_BUDGET_RESET_HOUR")
      ->capture_default_str();
  cmd.add_option("--prices-file", c.prices_file, "JSON file with model prices (see README)")
      ->envname("VISIONARY_PRICES_FILE");
}

// Options of the job queue (serve, functions).
void add_job_options(CLI::App& cmd, config& c) {
  cmd.add_option("--provider-concurrency", c.provider_concurrency,
                 "Provider calls at once per replica; more jobs wait in line (0: by provider: "
                 "AUTOMATIC1111 1, demo 2, OpenAI and Azure 8)")
      ->envname("VISIONARY_PROVIDER_CONCURRENCY")
      ->capture_default_str();
  cmd.add_option("--max-jobs", c.max_jobs, "Jobs queued and running per replica")
      ->envname("VISIONARY_MAX_JOBS")
      ->capture_default_str();
  cmd.add_option("--job-heartbeat", c.job_heartbeat_seconds,
                 "Seconds between a replica's heartbeats; a job whose replica misses three reads "
                 "as interrupted")
      ->envname("VISIONARY_JOB_HEARTBEAT_SECONDS")
      ->capture_default_str();
  cmd.add_option("--events", c.events,
                 "Serve live events (SSE); false where the host buffers answers (Azure Functions "
                 "custom handlers with enableForwardingHttpRequest), so the UI polls")
      ->envname("VISIONARY_EVENTS")
      ->capture_default_str();
  cmd.add_option("--demo-stage-ms", c.demo_stage_ms,
                 "Milliseconds each of the demo's preview stages is shown (0: none)")
      ->envname("VISIONARY_DEMO_STAGE_MS")
      ->capture_default_str();
}

// Options of the roles that serve the web UI (serve, web).
void add_ui_options(CLI::App& cmd, config& c) {
  cmd.add_option("--web-root", c.web_root,
                 "Serve the UI from this folder instead of the embedded copy")
      ->envname("VISIONARY_WEB_ROOT");
}

// The backend's own options: its function key and the port an Azure Functions host chooses.
void add_functions_options(CLI::App& cmd, config& c, std::optional<int>& custom_handler_port) {
  cmd.add_option("--functions-key", c.functions_key,
                 "Key every /api call must carry in x-functions-key or ?code=")
      ->envname("VISIONARY_FUNCTIONS_KEY");
  cmd.add_option("--custom-handler-port", custom_handler_port,
                 "Port chosen by the Azure Functions host")
      ->envname("FUNCTIONS_CUSTOMHANDLER_PORT");
}

// The web tier's options: the UI, and the backend it forwards to.
void add_web_options(CLI::App& cmd, config& c) {
  add_listener_options(cmd, c);
  add_ui_options(cmd, c);
  cmd.add_option("--functions-url", c.functions_url,
                 "Backend base URL, e.g. https://visionary-fn.azurewebsites.net")
      ->envname("VISIONARY_FUNCTIONS_URL");
  cmd.add_option("--functions-key", c.functions_key,
                 "Key added to every backend call (x-functions-key)")
      ->envname("VISIONARY_FUNCTIONS_KEY");
  cmd.add_option("--functions-timeout", c.functions_timeout_seconds,
                 "Seconds to wait for the backend (longer than a slow generation)")
      ->envname("VISIONARY_FUNCTIONS_TIMEOUT")
      ->capture_default_str();
}

void settle_functions_role(const CLI::App& functions, config& c,
                           const std::optional<int>& custom_handler_port) {
  c.run_role = role::functions;
  if (!custom_handler_port) return;
  c.port = *custom_handler_port;
  // Under an Azure Functions host (enableForwardingHttpRequest) answers are buffered, so an event
  // stream would never arrive: the UI polls instead, unless VISIONARY_EVENTS says the host
  // streams (enableProxyingHttpRequest).
  if (functions.get_option("--events")->count() == 0) c.events = false;
}

}  // namespace

parse_result parse_command_line(int argc, char** argv) {
  config c;
  CLI::App app{"VisionaryAI: type a prompt, get a picture, share it in a gallery.", "visionary"};
  app.require_subcommand(1);
  auto* serve = app.add_subcommand(
      "serve", "Run the web UI, the API and the backend in one process (the default set-up)");
  add_listener_options(*serve, c);
  add_backend_options(*serve, c);
  add_limit_options(*serve, c);
  add_job_options(*serve, c);
  add_ui_options(*serve, c);

  auto* functions = app.add_subcommand(
      "functions",
      "Run the backend alone (also as an Azure Functions custom handler: it listens on "
      "FUNCTIONS_CUSTOMHANDLER_PORT when that is set)");
  add_listener_options(*functions, c);
  add_backend_options(*functions, c);
  add_limit_options(*functions, c);
  add_job_options(*functions, c);
  std::optional<int> custom_handler_port;
  add_functions_options(*functions, c, custom_handler_port);

  auto* web = app.add_subcommand(
      "web", "Run the web UI and the API middleware, forwarding /api to the backend");
  add_web_options(*web, c);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version succeed; every malformed command line is a configuration error (2).
    const int printed = app.exit(e);
    return parse_result{std::nullopt, printed == 0 ? 0 : 2};
  }
  if (functions->parsed()) {
    settle_functions_role(*functions, c, custom_handler_port);
  } else {
    c.run_role = web->parsed() ? role::web : role::serve;
  }
  return parse_result{c, 0};
}

namespace {

void validate_listener(const config& c, std::vector<std::string>& problems) {
  if (c.port < 0 || c.port > 65535) problems.push_back("--port must be between 0 and 65535");
  if (c.threads < 0 || c.threads > 256) problems.push_back("--threads must be between 0 and 256");
  if (c.max_body_bytes < 4096 || c.max_body_bytes > 16 * 1024 * 1024) {
    problems.push_back("--max-body-bytes must be between 4096 and 16777216");
  }
  if (c.max_upload_bytes < min_upload_bytes || c.max_upload_bytes > max_upload_bytes_bound) {
    problems.push_back("--max-upload-bytes must be between " + std::to_string(min_upload_bytes) +
                       " and " + std::to_string(max_upload_bytes_bound));
  }
  if (c.shutdown_grace_seconds < 0 || c.shutdown_grace_seconds > 3600) {
    problems.push_back("--shutdown-grace must be between 0 and 3600 seconds");
  }
  if (c.max_connections < 0 || c.max_connections_per_client < 0) {
    problems.push_back("--max-connections and --max-connections-per-client must be 0 or more");
  }
  if (!c.functions_key.empty() && c.functions_key.size() < 16) {
    problems.push_back("VISIONARY_FUNCTIONS_KEY must be at least 16 characters long");
  }
}

bool is_http_url(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  return url && (url->scheme() == "http" || url->scheme() == "https") && !url->host().empty();
}

void validate_web(const config& c, std::vector<std::string>& problems) {
  if (c.functions_url.empty()) {
    problems.push_back(
        "visionary web needs the backend's address: set VISIONARY_FUNCTIONS_URL "
        "(e.g. http://127.0.0.1:7071)");
  } else if (!is_http_url(c.functions_url)) {
    problems.push_back(
        "VISIONARY_FUNCTIONS_URL must be an http(s) URL such as "
        "https://visionary-fn.azurewebsites.net");
  }
  if (c.functions_timeout_seconds < 10 || c.functions_timeout_seconds > 3600) {
    problems.push_back("--functions-timeout must be between 10 and 3600 seconds");
  }
}

// A dated Azure OpenAI api-version: 2024-10-21 or 2025-04-01-preview.
bool is_azure_api_version(std::string_view text) {
  if (text.ends_with("-preview")) text.remove_suffix(std::string_view("-preview").size());
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return false;
  }
  return true;
}

void validate_azure_openai(const config& c, std::vector<std::string>& problems) {
  if (c.azure_openai_endpoint.empty()) {
    problems.push_back("VISIONARY_PROVIDER=azure-openai needs AZURE_OPENAI_ENDPOINT");
  } else if (!is_http_url(c.azure_openai_endpoint)) {
    problems.push_back(
        "AZURE_OPENAI_ENDPOINT must be the resource's address, e.g. "
        "https://{resource}.openai.azure.com");
  }
  if (c.azure_openai_api_key.empty())
    problems.push_back("VISIONARY_PROVIDER=azure-openai needs AZURE_OPENAI_API_KEY");
  if (c.model.empty()) {
    problems.push_back(
        "VISIONARY_PROVIDER=azure-openai needs the deployment name in VISIONARY_MODEL");
  }
  if (!c.azure_openai_api_version.empty() && !is_azure_api_version(c.azure_openai_api_version)) {
    problems.push_back(
        "AZURE_OPENAI_API_VERSION must be a dated version such as 2025-04-01-preview (it selects "
        "the classic deployments API); unset it to use the v1 API");
  }
}

// Checks what the chosen provider needs and fills its default model.
void validate_provider_settings(config& c, std::vector<std::string>& problems) {
  switch (c.provider) {
    case core::provider_kind::demo:
      if (!c.model.empty() && c.model != "procedural-v1") {
        problems.push_back("--model/VISIONARY_MODEL '" + c.model +
                           "' does not apply to the demo provider; unset it "
                           "or choose a real provider with VISIONARY_PROVIDER");
      }
      c.model = "procedural-v1";
      return;
    case core::provider_kind::openai:
      if (c.openai_api_key.empty()) {
        problems.push_back("VISIONARY_PROVIDER=openai needs an API key: set OPENAI_API_KEY");
      }
      if (c.model.empty()) c.model = "gpt-image-2";
      return;
    case core::provider_kind::openai_compatible:
      if (c.openai_base_url.empty() || c.openai_base_url == "https://api.openai.com/v1") {
        problems.push_back(
            "VISIONARY_PROVIDER=openai-compatible needs the server's address: set "
            "OPENAI_BASE_URL (e.g. http://127.0.0.1:8080/v1)");
      }
      if (c.model.empty()) c.model = "stable-diffusion";
      if (auto server = core::parse_local_server(c.local_server_name)) {
        c.local_server = *server;
      } else {
        problems.push_back("unknown VISIONARY_LOCAL_SERVER '" + c.local_server_name +
                           "': choose generic, localai or sd-server");
      }
      return;
    case core::provider_kind::azure_openai:
      validate_azure_openai(c, problems);
      return;
    case core::provider_kind::automatic1111:
      if (!is_http_url(c.a1111_url)) {
        problems.push_back(
            "VISIONARY_A1111_URL must be the server's http(s) address, e.g. http://127.0.0.1:7860");
      }
      if (!c.a1111_auth.empty() && c.a1111_auth.find(':') == std::string::npos) {
        problems.push_back("VISIONARY_A1111_AUTH must have the form user:password");
      }
      return;
  }
}

std::optional<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

// The name the configured model is offered by: AUTOMATIC1111 without a checkpoint uses whatever
// it has loaded, reported by the provider's default name (c.model stays empty: no override).
std::string configured_model_name(const config& c) {
  if (c.provider == core::provider_kind::automatic1111 && c.model.empty())
    return std::string(providers::default_a1111_model);
  return c.model;
}

// The catalogue entry describing the configured model when its name alone does not: the operator's
// VISIONARY_CATALOG_MODEL, else a named local server's own entry.
std::optional<std::string> catalog_entry_for(const config& c) {
  if (!c.catalog_model.empty()) return c.catalog_model;
  if (c.provider == core::provider_kind::openai_compatible &&
      c.local_server != core::local_server_kind::generic)
    return std::string(core::local_server_catalog_entry(c.local_server));
  return std::nullopt;
}

// The catalogue (with the models file) and the menu of models offered on this server.
void build_model_menu(config& c, std::vector<std::string>& problems) {
  auto catalog = core::model_catalog::built_in();
  if (!c.models_file.empty()) {
    const auto text = read_text_file(c.models_file);
    if (!text) {
      problems.push_back("cannot read VISIONARY_MODELS_FILE " + c.models_file);
      return;
    }
    auto extended = core::model_catalog::with_file(catalog, *text);
    if (!extended) {
      problems.push_back("VISIONARY_MODELS_FILE " + c.models_file + ": " +
                         extended.error().message);
      return;
    }
    catalog = std::move(*extended);
  }
  auto menu = core::model_menu::build(catalog, c.provider, configured_model_name(c),
                                      catalog_entry_for(c), c.offered_models);
  if (!menu) {
    problems.push_back("VISIONARY_MODEL: " + menu.error().message);
    return;
  }
  c.models = std::move(*menu);
}

void validate_provider(config& c, std::vector<std::string>& problems) {
  if (c.provider_name.empty()) c.provider_name = c.openai_api_key.empty() ? "demo" : "openai";
  const auto kind = core::parse_provider_kind(c.provider_name);
  if (!kind) {
    problems.push_back("unknown provider '" + c.provider_name +
                       "': choose demo, openai, azure-openai, openai-compatible or automatic1111");
    return;
  }
  c.provider = *kind;
  validate_provider_settings(c, problems);
  build_model_menu(c, problems);
}

// Azure OpenAI resources by their host names, and endpoints copied with Azure's /openai/v1 path.
bool is_azure_openai_url(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return false;
  const std::string host = util::to_lower_ascii(url->host());
  for (const std::string_view suffix :
       {".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"}) {
    if (host.ends_with(suffix)) return true;
  }
  const std::string path = util::without_trailing_slashes(url->path());
  return path.ends_with("/openai/v1") || path.ends_with("/openai");
}

bool same_server(std::string_view a, std::string_view b) {
  const auto origin = net::origin_of(a);
  return origin && origin == net::origin_of(b);
}

providers::chat_flavor suggestion_flavor_of(const config& c, std::string_view url) {
  const bool azure_endpoint =
      !c.azure_openai_endpoint.empty() && same_server(url, c.azure_openai_endpoint);
  if (azure_endpoint || is_azure_openai_url(url)) return providers::chat_flavor::azure;
  if (same_server(url, "https://api.openai.com/v1")) return providers::chat_flavor::openai;
  return providers::chat_flavor::compatible;
}

// The image provider's key, where it is a key for the same server: a key goes nowhere else.
std::string provider_key_for(const config& c, std::string_view url) {
  if (!c.azure_openai_endpoint.empty() && same_server(url, c.azure_openai_endpoint)) {
    return c.azure_openai_api_key;
  }
  if (same_server(url, c.openai_base_url)) return c.openai_api_key;
  return {};
}

providers::chat_auth default_suggestion_auth(const suggestion_endpoint& e) {
  switch (e.flavor) {
    case providers::chat_flavor::azure:
      return providers::chat_auth::api_key;
    case providers::chat_flavor::compatible:
      return e.api_key.empty() ? providers::chat_auth::none : providers::chat_auth::bearer;
    case providers::chat_flavor::openai:
      break;
  }
  return providers::chat_auth::bearer;
}

// Where the suggestion model is, its key and how the key is presented.
std::optional<suggestion_endpoint> resolve_suggestion_endpoint(const config& c,
                                                               std::vector<std::string>& problems) {
  suggestion_endpoint e;
  e.base_url = c.suggestion_url;
  if (e.base_url.empty()) {
    const bool azure = c.provider == core::provider_kind::azure_openai;
    e.base_url = azure ? c.azure_openai_endpoint : "https://api.openai.com/v1";
  }
  // An Azure provider without its endpoint is reported by the provider's own checks.
  if (e.base_url.empty()) return std::nullopt;
  if (!is_http_url(e.base_url)) {
    problems.push_back(
        "VISIONARY_SUGGESTION_URL must be an http(s) URL such as http://127.0.0.1:8080/v1");
    return std::nullopt;
  }
  e.flavor = suggestion_flavor_of(c, e.base_url);
  e.api_key = c.suggestion_api_key.empty() ? provider_key_for(c, e.base_url) : c.suggestion_api_key;
  e.auth = default_suggestion_auth(e);
  if (!c.suggestion_auth.empty()) {
    const auto auth = providers::parse_chat_auth(c.suggestion_auth);
    if (!auth) {
      problems.push_back("VISIONARY_SUGGESTION_AUTH must be bearer, api-key or none");
      return std::nullopt;
    }
    e.auth = *auth;
  }
  if (e.auth != providers::chat_auth::none && e.api_key.empty()) {
    problems.push_back("VISIONARY_SUGGESTION_MODEL needs a key for " +
                       util::redact_url(e.base_url) +
                       ": set VISIONARY_SUGGESTION_API_KEY (or VISIONARY_SUGGESTION_AUTH=none "
                       "for a server without keys)");
    return std::nullopt;
  }
  return e;
}

void validate_suggestions(config& c, std::vector<std::string>& problems) {
  if (c.suggestion_timeout_seconds < 1 || c.suggestion_timeout_seconds > 60) {
    problems.push_back("VISIONARY_SUGGESTION_TIMEOUT must be between 1 and 60 seconds");
  }
  if (c.suggestion_rate < 1 || c.suggestion_rate > 600) {
    problems.push_back("VISIONARY_SUGGESTION_RATE must be between 1 and 600 calls a minute");
  }
  if (!c.suggestion_model.empty()) {
    c.suggestions = resolve_suggestion_endpoint(c, problems);
  } else if (!c.suggestion_url.empty() || !c.suggestion_api_key.empty() ||
             !c.suggestion_auth.empty()) {
    problems.push_back(
        "VISIONARY_SUGGESTION_URL, _API_KEY and _AUTH need VISIONARY_SUGGESTION_MODEL: name the "
        "chat model that writes suggestions (e.g. gpt-4o-mini), or unset them");
  }
}

void validate_storage(config& c, std::vector<std::string>& problems) {
  if (c.storage_name == "azure") {
    c.storage = storage_kind::azure;
    if (c.azure_storage_connection_string.empty()) {
      problems.push_back(
          "VISIONARY_STORAGE=azure needs AZURE_STORAGE_CONNECTION_STRING (from the storage "
          "account's Access keys page, or the Azurite one for local tests)");
    } else if (auto parsed = storage::parse_connection_string(c.azure_storage_connection_string);
               !parsed) {
      problems.push_back(parsed.error().message);
    }
  } else if (c.storage_name == "fs") {
    c.storage = storage_kind::fs;
  } else {
    problems.push_back("unknown storage '" + c.storage_name + "': choose fs or azure");
  }
  if (!core::is_valid_container_name(c.container)) {
    problems.push_back("container name '" + c.container +
                       "' is not valid: 3-63 lowercase letters, digits and single hyphens");
  }
}

void load_prices(config& c, std::vector<std::string>& problems) {
  if (c.prices_file.empty()) return;
  const auto text = read_text_file(c.prices_file);
  if (!text) {
    problems.push_back("cannot read VISIONARY_PRICES_FILE " + c.prices_file);
    return;
  }
  auto prices = core::price_table::with_overrides(core::price_table::builtin(), *text);
  if (!prices) {
    problems.push_back("VISIONARY_PRICES_FILE " + c.prices_file + ": " + prices.error().message);
    return;
  }
  c.prices = std::move(*prices);
}

void validate_budget(config& c, std::vector<std::string>& problems) {
  const bool paid = !core::plan_for(c.prices, c.provider, c.model).free();
  if (c.daily_budget.empty()) {
    c.daily_budget_usd = paid ? default_paid_daily_budget_usd : 0;
  } else if (auto usd = util::parse_number<double>(c.daily_budget);
             usd && *usd >= 0 && *usd < 1e9) {
    c.daily_budget_usd = *usd;
  } else {
    problems.push_back("VISIONARY_DAILY_BUDGET_USD must be a number of dollars (0 for unlimited)");
  }
  if (c.budget_reset_hour < 0 || c.budget_reset_hour > 23) {
    problems.push_back("VISIONARY_BUDGET_RESET_HOUR must be an hour from 0 to 23 (UTC)");
  }
}

// Rate, in-flight caps, daily images, prices and the budget (after the provider is known).
void validate_cost_limits(config& c, std::vector<std::string>& problems) {
  c.admission.max_in_flight = c.max_in_flight;
  c.admission.client_max_in_flight = c.client_max_in_flight;
  if (auto rate = core::parse_client_rate(c.client_rate, c.admission)) {
    c.admission = *rate;
  } else {
    problems.push_back("VISIONARY_CLIENT_RATE must look like 10/min (count/s, min, hour or day)");
  }
  if (c.max_in_flight < 0 || c.client_max_in_flight < 0 || c.client_daily_images < 0) {
    problems.push_back(
        "VISIONARY_MAX_IN_FLIGHT, VISIONARY_CLIENT_MAX_IN_FLIGHT and VISIONARY_CLIENT_DAILY_IMAGES "
        "must be 0 (no cap) or more");
  }
  load_prices(c, problems);
  validate_budget(c, problems);
}

void validate_trusted_proxies(config& c, std::vector<std::string>& problems) {
  auto ranges = http::parse_address_ranges(c.trusted_proxies);
  if (!ranges) {
    problems.push_back("VISIONARY_TRUSTED_PROXIES: " + ranges.error().message);
    return;
  }
  c.trusted_proxy_ranges = std::move(*ranges);
}

// How providers report progress: streamed partial images, polled AUTOMATIC1111 progress.
void validate_progress_options(const config& c, std::vector<std::string>& problems) {
  if (c.openai_partial_images < 0 || c.openai_partial_images > 3) {
    problems.push_back("VISIONARY_OPENAI_PARTIAL_IMAGES must be between 0 and 3");
  }
  if (c.a1111_progress_ms != 0 && (c.a1111_progress_ms < 50 || c.a1111_progress_ms > 60000)) {
    problems.push_back(
        "VISIONARY_A1111_PROGRESS_MS must be 0 (no polling) or between 50 and 60000");
  }
}

// The gateway's keys (never shown in a problem) and the public address of its links.
void validate_gateway(config& c, std::vector<std::string>& problems) {
  if (!c.api_keys_text.empty() && !c.api_keys_file.empty()) {
    problems.push_back("set VISIONARY_API_KEYS or VISIONARY_API_KEYS_FILE, not both");
  } else if (!c.api_keys_file.empty()) {
    const auto text = read_text_file(c.api_keys_file);
    auto keys = text ? api::api_key_table::parse_lines(*text)
                     : outcome<api::api_key_table>(
                           make_error(error_kind::invalid_request, "cannot read the file"));
    if (!keys) {
      problems.push_back("VISIONARY_API_KEYS_FILE " + c.api_keys_file + ": " +
                         keys.error().message);
    } else {
      c.api_keys = std::move(*keys);
    }
  } else if (auto keys = api::api_key_table::parse(c.api_keys_text); !keys) {
    problems.push_back("VISIONARY_API_KEYS: " + keys.error().message);
  } else {
    c.api_keys = std::move(*keys);
  }
  c.public_url = std::string(util::without_trailing_slashes(c.public_url));
  if (!c.public_url.empty()) {
    auto url = boost::urls::parse_absolute_uri(c.public_url);
    if (!is_http_url(c.public_url) || url->has_query() || url->has_fragment()) {
      problems.push_back(
          "VISIONARY_PUBLIC_URL must be an http(s) address without query, e.g. "
          "https://images.example.com");
    }
  }
}

void validate_backend_limits(const config& c, std::vector<std::string>& problems) {
  if (c.max_prompt_chars < 1 || c.max_prompt_chars > 32000) {
    problems.push_back("--max-prompt-chars must be between 1 and 32000");
  }
  constexpr std::uint64_t largest_side = imaging::max_image_side;
  if (c.max_image_pixels < 256 * 256 || c.max_image_pixels > largest_side * largest_side) {
    problems.push_back("--max-image-pixels must be between 65536 and " +
                       std::to_string(largest_side * largest_side));
  }
  if (c.provider_timeout_seconds < 1 || c.provider_timeout_seconds > 3600) {
    problems.push_back("--provider-timeout must be between 1 and 3600 seconds");
  }
  if (c.provider_max_retries < 0 || c.provider_max_retries > 10) {
    problems.push_back("--provider-retries must be between 0 and 10");
  }

  if (c.provider_concurrency < 0 || c.provider_concurrency > 10000) {
    problems.push_back("--provider-concurrency must be between 0 and 10000");
  }
  if (c.max_jobs < 1 || c.max_jobs > 100000) {
    problems.push_back("--max-jobs must be between 1 and 100000");
  }
  if (c.job_heartbeat_seconds < 1 || c.job_heartbeat_seconds > 300) {
    problems.push_back("--job-heartbeat must be between 1 and 300 seconds");
  }
  if (c.demo_stage_ms < 0 || c.demo_stage_ms > 60000) {
    problems.push_back("--demo-stage-ms must be between 0 and 60000");
  }
  if (c.admin_token.size() > 0 && c.admin_token.size() < 16) {
    problems.push_back("VISIONARY_ADMIN_TOKEN must be at least 16 characters long");
  }
}

}  // namespace

int provider_concurrency_for(const config& c) {
  if (c.provider_concurrency > 0) return c.provider_concurrency;
  switch (c.provider) {
    case core::provider_kind::automatic1111:
      return 1;
    case core::provider_kind::demo:
      return 2;
    case core::provider_kind::openai:
    case core::provider_kind::azure_openai:
    case core::provider_kind::openai_compatible:
      break;
  }
  return 8;
}

std::vector<std::string> finalize_and_validate(config& c) {
  std::vector<std::string> problems;
  validate_listener(c, problems);
  validate_trusted_proxies(c, problems);
  if (c.run_role == role::web) {
    validate_web(c, problems);
    return problems;
  }
  validate_provider(c, problems);
  validate_suggestions(c, problems);
  validate_storage(c, problems);
  validate_backend_limits(c, problems);
  validate_gateway(c, problems);
  validate_progress_options(c, problems);
  validate_cost_limits(c, problems);
  return problems;
}

std::string_view role_name(role r) {
  switch (r) {
    case role::serve:
      return "serve";
    case role::functions:
      return "functions";
    case role::web:
      return "web";
  }
  return "serve";
}

std::string mask_secret(const std::string& secret) {
  return secret.empty() ? "not set" : "set";
}

namespace {

std::string describe_suggestions(const config& c) {
  if (!c.suggestions) return "offline lists (no VISIONARY_SUGGESTION_MODEL)";
  const auto& e = *c.suggestions;
  std::ostringstream out;
  out << c.suggestion_model << " on " << providers::chat_flavor_name(e.flavor) << " "
      << util::redact_url(e.base_url) << ", auth " << providers::chat_auth_name(e.auth) << ", key "
      << mask_secret(e.api_key) << ", timeout " << c.suggestion_timeout_seconds << "s, at most "
      << c.suggestion_rate << " calls a minute";
  return out.str();
}

std::string describe_budget(const config& c) {
  const auto plan = core::plan_for(c.prices, c.provider, c.model);
  if (plan.free()) return "none needed (" + c.model + " costs nothing)";
  std::ostringstream out;
  out.precision(2);
  out << std::fixed;
  if (c.daily_budget_usd > 0) {
    out << "$" << c.daily_budget_usd << " a day";
  } else {
    out << "UNLIMITED (VISIONARY_DAILY_BUDGET_USD=0)";
  }
  out << ", priced as " << plan.priced_as;
  return out.str();
}

// Key names only: the keys themselves are never shown.
std::string describe_gateway(const config& c) {
  if (c.api_keys.empty()) return "off (no VISIONARY_API_KEYS)";
  std::string names;
  for (const auto& name : c.api_keys.names()) names += (names.empty() ? "" : ", ") + name;
  return "/v1, keys " + names + " (each ****), links " +
         (c.public_url.empty() ? std::string("from the request's host") : c.public_url);
}

// The provider line and, for the chosen provider, where it is reached (secrets masked).
std::string describe_provider(const config& c) {
  std::ostringstream out;
  out << "  provider:    " << c.provider_name << " (model " << configured_model_name(c) << ")\n";
  if (c.provider == core::provider_kind::openai ||
      c.provider == core::provider_kind::openai_compatible) {
    out << "  openai:      " << util::redact_url(c.openai_base_url) << ", key "
        << mask_secret(c.openai_api_key) << ", partial images " << c.openai_partial_images << "\n";
  }
  if (c.provider == core::provider_kind::openai_compatible)
    out << "  local server: " << core::local_server_name(c.local_server) << "\n";
  if (c.provider == core::provider_kind::automatic1111) {
    out << "  a1111:       " << util::redact_url(c.a1111_url) << ", auth "
        << mask_secret(c.a1111_auth) << ", progress every " << c.a1111_progress_ms << " ms\n";
  }
  if (c.provider == core::provider_kind::azure_openai) {
    out << "  azure:       " << util::redact_url(c.azure_openai_endpoint) << " ("
        << (c.azure_openai_api_version.empty()
                ? std::string("v1 API")
                : "classic API, api-version " + c.azure_openai_api_version)
        << "), key " << mask_secret(c.azure_openai_api_key) << ", partial images "
        << c.openai_partial_images << "\n";
  }
  return out.str();
}

}  // namespace

std::string describe(const config& c) {
  std::ostringstream out;
  out << "  role:        " << role_name(c.run_role) << "\n"
      << "  listen:      " << c.host << ":" << c.port << "\n";
  if (c.run_role == role::web) {
    // The backend address is configuration, not a secret, but it stays out of every response.
    out << "  backend:     " << util::redact_url(c.functions_url) << ", key "
        << mask_secret(c.functions_key) << ", timeout " << c.functions_timeout_seconds << "s\n"
        << "  web UI:      " << (c.web_root.empty() ? "embedded" : c.web_root);
    return out.str();
  }
  if (c.run_role == role::functions)
    out << "  functions key: " << mask_secret(c.functions_key) << "\n";
  out << describe_provider(c);
  out << "  suggestions: " << describe_suggestions(c) << "\n";
  if (c.storage == storage_kind::azure) {
    const auto account = storage::parse_connection_string(c.azure_storage_connection_string);
    out << "  storage:     azure " << (account ? account->blob_endpoint : std::string("?"))
        << ", container " << c.container << ", account key ****\n";
  } else {
    out << "  storage:     fs in " << c.data_dir << ", container " << c.container << "\n";
  }
  out << "  link keys:   "
      << (c.storage == storage_kind::azure
              ? "the storage account key"
              : (c.signing_key.empty() ? "from the data dir" : mask_secret(c.signing_key)))
      << "\n"
      << "  admin token: " << mask_secret(c.admin_token)
      << (c.admin_token.empty() ? " (deleting disabled)" : "") << "\n"
      << "  openai api:  " << describe_gateway(c) << "\n"
      << "  clients:     " << c.client_rate << ", " << c.client_max_in_flight << " at once (server "
      << c.max_in_flight << "), " << c.client_daily_images << " images a day (0 = no cap), resets "
      << c.budget_reset_hour << ":00 UTC\n"
      << "  budget:      " << describe_budget(c) << "\n"
      << "  limits:      prompt " << c.max_prompt_chars << " chars, body " << c.max_body_bytes
      << " bytes, uploads " << c.max_upload_bytes << " bytes, images " << c.max_image_pixels
      << " pixels, provider timeout " << c.provider_timeout_seconds << "s, retries "
      << c.provider_max_retries << "\n"
      << "  jobs:        " << provider_concurrency_for(c) << " at once, " << c.max_jobs
      << " per replica, heartbeat " << c.job_heartbeat_seconds << "s, events "
      << (c.events ? "on" : "off (clients poll)") << "\n"
      << "  web UI:      " << (c.web_root.empty() ? "embedded" : c.web_root);
  return out.str();
}

}  // namespace visionary::app
