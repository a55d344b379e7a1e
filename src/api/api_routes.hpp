// The public /api/* routes: request parsing at the edge (JSON → typed input), the call into core,
// and serialisation of the answer. Handlers hold references to long-lived services; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "core/gallery_feed.hpp"
#include "core/gallery_service.hpp"
#include "core/generation_service.hpp"
#include "core/job_service.hpp"
#include "core/model_menu.hpp"
#include "core/ports/image_provider.hpp"
#include "core/suggestion_service.hpp"
#include "http/router.hpp"

namespace visionary::api {

struct api_services {
  core::gallery_service& gallery;
  core::generation_service& generation;
  core::job_service& jobs;
  core::gallery_feed& feed;
  core::cost_control& costs;
  const core::image_provider& provider;
  const core::model_menu& models;
  core::suggestion_service& suggestions;
  std::string storage_kind;
  std::size_t max_prompt_chars;
  std::size_t max_body_bytes;
  std::size_t max_upload_bytes;    // an edit's multipart body
  std::uint64_t max_image_pixels;  // of every uploaded image
  std::string admin_token;         // empty: deleting is disabled
  std::chrono::steady_clock::time_point started_at;
  // False where answers cannot stream (an Azure Functions host buffers them): the UI polls.
  bool events = true;
};

void add_api_routes(http::router& routes, const api_services& services);

// An edit's multipart body read and made ready to run (its source read from the gallery, its
// images checked), carrying the request's id. Shared by POST /api/editImage and POST /api/jobs.
[[nodiscard]] boost::asio::awaitable<http::http_outcome<core::generation_request>>
read_edit_request(const api_services& services, http::request_context& ctx);

}  // namespace visionary::api
