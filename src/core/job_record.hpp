// job_record: one generation job as stored in the blob store ("jobs/{id}.json", rewritten at each
// change of state, never at a progress tick) and as callers see it; its status names and the
// rules for job ids. Value types and pure functions; thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::core {

enum class job_status { queued, running, succeeded, failed, cancelled };

[[nodiscard]] std::string_view job_status_name(job_status status);
[[nodiscard]] std::optional<job_status> parse_job_status(std::string_view name);
[[nodiscard]] inline bool is_terminal(job_status status) {
  return status != job_status::queued && status != job_status::running;
}

struct job_progress {
  std::optional<double> fraction;  // 0..1; absent: the provider cannot tell
  std::optional<int> step;
  std::optional<int> steps;
  std::optional<double> eta_seconds;
  // A data: URL of a small WebP; null for none. Shared: every event of a job refers to one copy.
  std::shared_ptr<const std::string> preview_url;
  // Jobs submitted with keep_partial_images: the newest in-between picture exactly as the provider
  // sent it, and how many have arrived (the OpenAI-compatible API relays them).
  std::shared_ptr<const std::string> partial_image;
  int partial_images = 0;
};

struct job_record {
  std::string id;
  job_status status = job_status::queued;
  generation_request request;  // prompt and options (request_id is the submitting request's)
  util::sys_time created_at{};
  std::optional<util::sys_time> started_at;
  std::optional<util::sys_time> finished_at;
  std::vector<std::string> image_ids;  // once succeeded
  std::optional<app_error> error;      // once failed or cancelled
  std::string replica;                 // the replica that runs it (whose heartbeat vouches for it)
};

inline constexpr std::string_view job_prefix = "jobs/";
inline constexpr std::size_t job_token_length = 16;

// "{13-digit creation millis}-{token}": sorts by age in the store, unguessable.
[[nodiscard]] std::string make_job_id(util::sys_time created);
[[nodiscard]] bool valid_job_id(std::string_view id);
[[nodiscard]] std::string job_blob_name(std::string_view id);
// When a stored job was created, read from its blob name; nullopt for any other name.
[[nodiscard]] std::optional<util::sys_time> job_blob_created(std::string_view blob_name);

[[nodiscard]] std::string job_record_json(const job_record& record);
[[nodiscard]] outcome<job_record> parse_job_record(std::string_view text);

}  // namespace visionary::core
