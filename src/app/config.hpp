// Configuration of the visionary binary: one struct filled from command-line flags, each of which
// also reads an environment variable; validation that names the fix; a masked summary for the log.
// Built once at startup on the main thread, then read-only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/api_keys.hpp"
#include "core/admission.hpp"
#include "core/model_catalog.hpp"
#include "core/model_menu.hpp"
#include "core/pricing.hpp"
#include "http/client_address.hpp"
#include "imaging/image_codec.hpp"
#include "providers/chat_protocol.hpp"

namespace visionary::app {

enum class role { serve, functions, web };

// Where suggestions from a language model come from, as finalize_and_validate resolved it.
struct suggestion_endpoint {
  providers::chat_flavor flavor = providers::chat_flavor::openai;
  std::string base_url;  // OpenAI and compatible servers: including /v1; Azure: the endpoint
  std::string api_key;   // VISIONARY_SUGGESTION_API_KEY, else the provider's key for this server
  providers::chat_auth auth = providers::chat_auth::bearer;
};
enum class storage_kind { fs, azure };

// The default for VISIONARY_MAX_UPLOAD_BYTES (an edit's multipart body) and its bounds.
inline constexpr std::size_t default_max_upload_bytes = 25 * 1024 * 1024;
inline constexpr std::size_t min_upload_bytes = 1024 * 1024;
inline constexpr std::size_t max_upload_bytes_bound = 64 * 1024 * 1024;

struct config {
  role run_role = role::serve;
  std::string host = "127.0.0.1";
  int port = 3000;
  int threads = 0;  // 0: one per core
  std::string log_level = "info";

  std::string data_dir = "./data";
  std::string storage_name = "fs";  // as configured; finalize_and_validate sets storage
  storage_kind storage = storage_kind::fs;
  std::string azure_storage_connection_string;
  std::string container = "images";
  std::string signing_key;  // base64; generated into the data dir when empty
  std::string admin_token;

  // The OpenAI-compatible API (see README "OpenAI-compatible gateway").
  std::string api_keys_text;    // VISIONARY_API_KEYS: name:key,name:key
  std::string api_keys_file;    // VISIONARY_API_KEYS_FILE: the same, one a line
  api::api_key_table api_keys;  // set by finalize_and_validate; empty: the gateway is off
  std::string public_url;       // base of links handed out as absolute URLs; empty: asked

  std::string provider_name;  // empty: openai when an OpenAI key is set, else demo
  core::provider_kind provider = core::provider_kind::demo;  // set by finalize_and_validate
  std::string model;
  std::string models_file;    // VISIONARY_MODELS_FILE: catalogue entries added or overridden
  std::string catalog_model;  // the catalogue entry describing `model` when its name does not
  std::vector<std::string> offered_models;  // VISIONARY_MODELS; empty: the catalogue's choice
  std::optional<core::model_menu> models;   // set by finalize_and_validate
  std::string openai_api_key;
  std::string openai_base_url = "https://api.openai.com/v1";
  // VISIONARY_LOCAL_SERVER: which OpenAI-compatible server answers (generic, localai, sd-server)
  std::string local_server_name = "generic";
  core::local_server_kind local_server = core::local_server_kind::generic;  // set from the name
  std::string azure_openai_endpoint;
  std::string azure_openai_api_key;
  std::string azure_openai_api_version;  // empty: the v1 API; set: the classic deployments API
  int openai_partial_images = 2;         // partial images a streamed GPT image generation asks for
  std::string a1111_url = "http://127.0.0.1:7860";
  std::string a1111_auth;        // user:pass
  int a1111_progress_ms = 1000;  // how often a running txt2img's progress is asked for; 0: never
  int provider_timeout_seconds = 180;
  int provider_max_retries = 2;
  std::string ca_file;

  // Suggestions from a language model (see README "Suggestions from a language model").
  std::string suggestion_model;    // chat model or Azure deployment; empty: offline lists only
  std::string suggestion_url;      // empty: OpenAI, or AZURE_OPENAI_ENDPOINT with azure-openai
  std::string suggestion_api_key;  // empty: the provider's key when it is for the same server
  std::string suggestion_auth;     // bearer, api-key or none; empty: by the kind of server
  int suggestion_timeout_seconds = 8;
  int suggestion_rate = 30;                        // calls to the model per minute at most
  std::optional<suggestion_endpoint> suggestions;  // set by finalize_and_validate with a model

  std::string trusted_proxies;                            // CIDRs whose X-Forwarded-For is believed
  std::vector<util::address_range> trusted_proxy_ranges;  // set by finalize_and_validate

  // Cost control (see README "Limits and budgets").
  std::string client_rate = "10/min";
  int max_in_flight = 16;
  int client_max_in_flight = 2;
  int client_daily_images = 100;
  std::string daily_budget;  // USD; empty: 5 with a paid provider, else unlimited; 0: unlimited
  int budget_reset_hour = 0;
  std::string prices_file;
  core::admission_settings admission;                       // set by finalize_and_validate
  double daily_budget_usd = 0;                              // set by finalize_and_validate
  core::price_table prices = core::price_table::builtin();  // plus the prices file

  bool metrics = false;  // serve GET /metrics

  // Jobs (see README "Live jobs").
  int provider_concurrency = 0;  // 0: by provider kind (provider_concurrency_for)
  int max_jobs = 2000;
  int job_heartbeat_seconds = 10;
  bool events = true;
  int demo_stage_ms = 250;

  std::size_t max_body_bytes = 64 * 1024;
  std::size_t max_upload_bytes = default_max_upload_bytes;  // an edit's multipart body
  int max_connections = 0;               // 0: sized from the descriptor limit at start-up
  int max_connections_per_client = 128;  // 0: no per-client cap
  std::size_t max_prompt_chars = core::default_max_prompt_chars;
  std::uint64_t max_image_pixels = imaging::default_max_image_pixels;
  std::string web_root;
  std::string functions_url;  // web: the backend to forward /api and /blobs to
  std::string functions_key;  // web: added to backend calls; functions: required from callers
  int functions_timeout_seconds = 600;
  int shutdown_grace_seconds = 60;
};

// Parses argv (and the environment). On --help prints usage and returns the exit code 0 in
// exit_code; on a parse error prints it and sets exit_code to 2.
struct parse_result {
  std::optional<config> parsed;
  int exit_code = 0;
};
[[nodiscard]] parse_result parse_command_line(int argc, char** argv);

// Fills derived values (provider and storage kinds, model) and returns the list of problems, each
// saying what to fix.
[[nodiscard]] std::vector<std::string> finalize_and_validate(config& c);

// The budget a paid provider gets unless VISIONARY_DAILY_BUDGET_USD says otherwise.
inline constexpr double default_paid_daily_budget_usd = 5;

// Provider calls at once per replica: the setting, or what suits the provider (an AUTOMATIC1111
// server renders one image at a time; the demo paints on this machine's cores).
[[nodiscard]] int provider_concurrency_for(const config& c);

// Multi-line effective configuration with every secret masked.
[[nodiscard]] std::string describe(const config& c);
// "set" or "not set": no part of a secret is ever shown.
[[nodiscard]] std::string mask_secret(const std::string& secret);
[[nodiscard]] std::string_view role_name(role r);

}  // namespace visionary::app
