// The OpenAI-compatible gateway: POST /v1/images/generations, POST /v1/images/edits (multipart,
// uploaded images) and GET /v1/models(/{id}), taking and answering as OpenAI's Images API does
// (b64_json or our signed link, usage, OpenAI's error shape, stream: true as OpenAI's Server-Sent
// Events relayed from the live job), authenticated with the
// named keys of VISIONARY_API_KEYS. Limits and budgets count per key ("key:<name>"), and images
// made here land in the gallery like any other. Handlers hold references to long-lived services;
// thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "api/api_keys.hpp"
#include "api/api_routes.hpp"
#include "util/metrics.hpp"
#include "util/time.hpp"

namespace visionary::api {

inline constexpr std::string_view gateway_prefix = "/v1/";

// Requests and images per key name (names are configuration, so the series stay few).
struct gateway_metrics {
  explicit gateway_metrics(util::metrics_registry& registry);
  util::counter_family& requests;  // key, endpoint, outcome ("ok" or the error code)
  util::counter_family& images;    // key
};

struct gateway_services {
  const api_services& api;
  api_key_table keys;      // empty: the gateway is off (404 api_disabled)
  std::string public_url;  // base of url answers, e.g. https://images.example.com; empty: asked
  gateway_metrics& metrics;
  util::sys_time started_at;  // the `created` of listed models
};

void add_gateway_routes(http::router& routes, const gateway_services& services);

// /v1/* failures answer in OpenAI's shape (the web role, which forwards /v1/*, uses it too).
void use_openai_errors(http::router& routes);

}  // namespace visionary::api
