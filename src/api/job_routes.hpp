// The live-job and gallery-event routes: POST /api/jobs, GET/DELETE /api/jobs/{id}, the job's
// Server-Sent Events (GET /api/jobs/{id}/events) and the gallery's (GET /api/events), plus the JSON
// of a job. Handlers hold references to long-lived services; thread-safe.
#pragma once

#include <boost/json/value.hpp>

#include "api/api_routes.hpp"
#include "core/job_service.hpp"

namespace visionary::api {

[[nodiscard]] boost::json::value job_to_json(const core::job_view& job);

void add_job_routes(http::router& routes, const api_services& services);

}  // namespace visionary::api
