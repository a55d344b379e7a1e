#include "core/job_record.hpp"

#include <gtest/gtest.h>

namespace {

using namespace visionary;
using namespace visionary::core;

TEST(JobRecord, IdsSortByCreationAndAreChecked) {
  const util::sys_time earlier{std::chrono::milliseconds{1'700'000'000'000}};
  const auto a = make_job_id(earlier);
  const auto b = make_job_id(earlier + std::chrono::seconds(1));
  EXPECT_TRUE(valid_job_id(a));
  EXPECT_LT(job_blob_name(a), job_blob_name(b));
  EXPECT_EQ(job_blob_created(job_blob_name(a)), earlier);
  for (const char* bad : {"", "nope", "1700000000000-short", "1700000000000_aaaaaaaaaaaaaaaa",
                          "17000000000x0-aaaaaaaaaaaaaaaa", "1700000000000-aaaaaaaaaaaaaaa/",
                          "1700000000000-aaaaaaaaaaaaaaaaa"}) {
    EXPECT_FALSE(valid_job_id(bad)) << bad;
  }
  EXPECT_FALSE(job_blob_created("jobs/../ledger.json"));
  EXPECT_FALSE(job_blob_created("images/" + a + ".json"));
}

TEST(JobRecord, RoundTripsThroughItsStoredJson) {
  job_record record;
  record.created_at = util::sys_time{std::chrono::milliseconds{1'764'000'000'123}};
  record.id = make_job_id(record.created_at);
  record.status = job_status::failed;
  record.request.prompt = "a \"quoted\" fox\nwith lines";
  record.request.size = "1024x1536";
  record.request.quality = "high";
  record.request.n = 2;
  record.started_at = record.created_at + std::chrono::seconds(1);
  record.finished_at = record.created_at + std::chrono::seconds(9);
  record.error = make_error(error_kind::content_policy_violation, "refused");
  record.replica = "r1";
  const auto back = parse_job_record(job_record_json(record));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->id, record.id);
  EXPECT_EQ(back->status, job_status::failed);
  EXPECT_EQ(back->request.prompt, record.request.prompt);
  EXPECT_EQ(back->request.size, "1024x1536");
  EXPECT_EQ(back->request.quality, "high");
  EXPECT_FALSE(back->request.style);
  EXPECT_EQ(back->request.n, 2);
  EXPECT_EQ(back->started_at, record.started_at);
  EXPECT_EQ(back->finished_at, record.finished_at);
  ASSERT_TRUE(back->error);
  EXPECT_EQ(back->error->kind, error_kind::content_policy_violation);
  EXPECT_EQ(back->error->message, "refused");
  EXPECT_EQ(back->replica, "r1");
}

TEST(JobRecord, RefusesDamagedRecords) {
  EXPECT_FALSE(parse_job_record("not json"));
  EXPECT_FALSE(
      parse_job_record(R"({"id":"x","status":"queued","createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_FALSE(parse_job_record(
      R"({"id":"1700000000000-aaaaaaaaaaaaaaaa","status":"odd","createdAt":"2026-01-01T00:00:00Z"})"));
  EXPECT_TRUE(parse_job_record(
      R"({"id":"1700000000000-aaaaaaaaaaaaaaaa","status":"queued","createdAt":"2026-01-01T00:00:00Z"})"));
}

TEST(JobRecord, StatusNamesAndTerminalStates) {
  for (auto status : {job_status::queued, job_status::running, job_status::succeeded,
                      job_status::failed, job_status::cancelled}) {
    EXPECT_EQ(parse_job_status(job_status_name(status)), status);
  }
  EXPECT_FALSE(is_terminal(job_status::queued));
  EXPECT_FALSE(is_terminal(job_status::running));
  EXPECT_TRUE(is_terminal(job_status::cancelled));
}

}  // namespace
