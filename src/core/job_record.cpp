#include "core/job_record.hpp"

#include <boost/json.hpp>
#include <cstdio>

#include "core/request_settings.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace json = boost::json;

namespace {

constexpr std::size_t millis_digits = 13;

json::value optional_time(const std::optional<util::sys_time>& t) {
  return t ? json::value(util::format_rfc3339_millis(*t)) : json::value(nullptr);
}

std::string text_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::optional<util::sys_time> time_of(const json::object& o, std::string_view key) {
  return util::parse_iso_utc(text_of(o, key));
}

// The error kinds a stored job can end with, read back by their codes.
std::optional<error_kind> kind_of_code(std::string_view code) {
  for (auto kind :
       {error_kind::invalid_request, error_kind::content_policy_violation, error_kind::rate_limited,
        error_kind::too_many_in_flight, error_kind::daily_quota_exhausted,
        error_kind::budget_exhausted, error_kind::internal_error, error_kind::provider_error,
        error_kind::provider_unavailable, error_kind::provider_timeout,
        error_kind::storage_unavailable, error_kind::storage_error, error_kind::cancelled,
        error_kind::interrupted, error_kind::queue_full, error_kind::edit_not_supported}) {
    if (error_code(kind) == code) return kind;
  }
  return std::nullopt;
}

}  // namespace

std::string_view job_status_name(job_status status) {
  switch (status) {
    case job_status::queued:
      return "queued";
    case job_status::running:
      return "running";
    case job_status::succeeded:
      return "succeeded";
    case job_status::failed:
      return "failed";
    case job_status::cancelled:
      return "cancelled";
  }
  return "failed";
}

std::optional<job_status> parse_job_status(std::string_view name) {
  for (auto status : {job_status::queued, job_status::running, job_status::succeeded,
                      job_status::failed, job_status::cancelled}) {
    if (job_status_name(status) == name) return status;
  }
  return std::nullopt;
}

std::string make_job_id(util::sys_time created) {
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(created.time_since_epoch()).count();
  char digits[24];
  std::snprintf(digits, sizeof digits, "%013lld", static_cast<long long>(millis));
  return std::string(digits) + "-" + util::random_token(job_token_length);
}

bool valid_job_id(std::string_view id) {
  if (id.size() != millis_digits + 1 + job_token_length || id[millis_digits] != '-') return false;
  for (std::size_t i = 0; i < id.size(); ++i) {
    const char c = id[i];
    if (i == millis_digits) continue;
    const bool digit = c >= '0' && c <= '9';
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (i < millis_digits ? !digit : !(digit || letter)) return false;
  }
  return true;
}

std::string job_blob_name(std::string_view id) {
  return std::string(job_prefix) + std::string(id) + ".json";
}

std::optional<util::sys_time> job_blob_created(std::string_view blob_name) {
  if (!blob_name.starts_with(job_prefix) || !blob_name.ends_with(".json")) return std::nullopt;
  const auto id = blob_name.substr(job_prefix.size(), blob_name.size() - job_prefix.size() - 5);
  if (!valid_job_id(id)) return std::nullopt;
  long long millis = 0;
  for (char c : id.substr(0, millis_digits)) millis = millis * 10 + (c - '0');
  return util::sys_time{std::chrono::milliseconds{millis}};
}

std::string job_record_json(const job_record& record) {
  json::array ids;
  for (const auto& id : record.image_ids) ids.emplace_back(id);
  const auto& r = record.request;
  json::object out{{"id", record.id},
                   {"status", job_status_name(record.status)},
                   {"prompt", r.prompt},
                   {"settings", settings_json(r)},
                   {"n", r.n},
                   {"createdAt", util::format_rfc3339_millis(record.created_at)},
                   {"startedAt", optional_time(record.started_at)},
                   {"finishedAt", optional_time(record.finished_at)},
                   {"imageIds", std::move(ids)},
                   {"replica", record.replica}};
  if (record.error) {
    out["error"] =
        json::object{{"code", error_code(record.error->kind)}, {"message", record.error->message}};
  }
  return json::serialize(out);
}

outcome<job_record> parse_job_record(std::string_view text) {
  boost::system::error_code ec;
  const auto value = json::parse(text, ec);
  if (ec || !value.is_object())
    return make_error(error_kind::storage_error, "unreadable job record");
  const auto& o = value.as_object();
  job_record record;
  record.id = text_of(o, "id");
  const auto status = parse_job_status(text_of(o, "status"));
  const auto created = time_of(o, "createdAt");
  if (!valid_job_id(record.id) || !status || !created)
    return make_error(error_kind::storage_error, "incomplete job record");
  record.status = *status;
  record.created_at = *created;
  record.request.prompt = text_of(o, "prompt");
  if (const auto* settings = o.if_contains("settings"); settings && settings->is_object())
    read_settings_json(settings->as_object(), record.request);
  if (const auto* n = o.if_contains("n"); n && n->is_int64()) record.request.n = int(n->as_int64());
  record.started_at = time_of(o, "startedAt");
  record.finished_at = time_of(o, "finishedAt");
  if (const auto* ids = o.if_contains("imageIds"); ids && ids->is_array()) {
    for (const auto& id : ids->as_array())
      if (id.is_string()) record.image_ids.emplace_back(id.as_string());
  }
  record.replica = text_of(o, "replica");
  if (const auto* e = o.if_contains("error"); e && e->is_object()) {
    record.error = make_error(
        kind_of_code(text_of(e->as_object(), "code")).value_or(error_kind::internal_error),
        text_of(e->as_object(), "message"));
  }
  return record;
}

}  // namespace visionary::core
