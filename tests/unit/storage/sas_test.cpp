#include "storage/sas.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "core/link_policy.hpp"
#include "support/query.hpp"
#include "support/test_data.hpp"
#include "util/base64.hpp"
#include "util/text.hpp"

namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using visionary::error_kind;
using visionary::core::coarse_link_expiry;
using visionary::storage::blob_sas_values;
using visionary::storage::verify_blob_read_sas;
using visionary::util::sys_time;
using query_list = std::vector<std::pair<std::string, std::string>>;

json::value load_golden() {
  return visionary::testing::load_test_json("azure_golden.json");
}

std::string optional_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v ? std::string(v->as_string()) : std::string();
}

// Vectors recorded with @azure/storage-blob: our bytes must match the SDK's exactly.
TEST(SasGolden, MatchesOfficialSdkByteForByte) {
  const json::value golden = load_golden();
  const auto& entries = golden.at("sas").as_array();
  ASSERT_GE(entries.size(), 5u);
  for (const auto& entry : entries) {
    const auto& name = entry.at("name").as_string();
    const auto& in = entry.at("inputs").as_object();
    const auto& out = entry.at("outputs").as_object();
    SCOPED_TRACE(std::string(name));

    blob_sas_values v;
    v.account = optional_field(in, "accountName");
    v.container = optional_field(in, "containerName");
    v.blob = optional_field(in, "blobName");
    v.permissions = optional_field(in, "permissions");
    v.version = optional_field(in, "version");
    v.expires_on = optional_field(in, "expiresOn");
    v.starts_on = optional_field(in, "startsOn");
    v.protocol = optional_field(in, "protocol");
    v.cache_control = optional_field(in, "cacheControl");
    v.content_type = optional_field(in, "contentType");
    const auto key = visionary::util::base64_decode(optional_field(in, "accountKey"));
    ASSERT_TRUE(key.has_value());

    EXPECT_EQ(visionary::storage::blob_sas_string_to_sign(v), optional_field(out, "stringToSign"));
    const std::string sig = visionary::storage::sign_blob_sas(*key, v);
    EXPECT_EQ(sig, optional_field(out, "sig"));
    EXPECT_EQ(visionary::storage::blob_sas_query(v, sig), optional_field(out, "queryString"));
  }
}

TEST(SasStringToSign, HasSixteenFieldsAndNoTrailingNewline) {
  blob_sas_values v;
  v.account = "a";
  v.container = "c";
  v.blob = "b";
  v.expires_on = "2026-11-24T23:35:00Z";
  const std::string s = visionary::storage::blob_sas_string_to_sign(v);
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 15);
  EXPECT_EQ(s.back(), '\n');  // rsct is empty here, so the text ends right after the 15th separator
  v.content_type = "image/png";
  EXPECT_TRUE(visionary::storage::blob_sas_string_to_sign(v).ends_with("\nimage/png"));
}

// --- coarse_link_expiry ------------------------------------------------------------------------

// 2026-11-24T23:05:00Z, exactly on the 5-minute grid.
const sys_time boundary = visionary::util::from_unix_millis(1'795'561'500'000);

void expect_valid_expiry(sys_time now) {
  const sys_time expiry = coarse_link_expiry(now);
  const auto since_epoch = expiry.time_since_epoch();
  EXPECT_EQ(since_epoch % std::chrono::minutes{5}, sys_time::duration::zero())
      << "not on the 5-minute grid for now=" << visionary::util::format_rfc3339_millis(now);
  EXPECT_GT(expiry, now + 25min - 1s);
  EXPECT_GE(expiry - now, std::chrono::duration_cast<sys_time::duration>(25min));
  EXPECT_LE(expiry - now, std::chrono::duration_cast<sys_time::duration>(30min));
}

TEST(CoarseLinkExpiry, OnGridAndWithinLifetimeForManyInstants) {
  for (std::chrono::nanoseconds offset : std::initializer_list<std::chrono::nanoseconds>{
           0ns, 1ns, 1ms, 999ms, 1000ms, 1001ms, -1ns, -1ms, -1000ms, -1001ms}) {
    expect_valid_expiry(boundary + offset);
    expect_valid_expiry(boundary + 5min + offset);
  }
  for (auto t = boundary - 20min; t < boundary + 20min; t += 997ms) expect_valid_expiry(t);
}

TEST(CoarseLinkExpiry, ExactBoundaryAndNeighbours) {
  EXPECT_EQ(coarse_link_expiry(boundary), boundary + 25min);
  EXPECT_EQ(coarse_link_expiry(boundary - 1s), boundary + 25min);
  EXPECT_EQ(coarse_link_expiry(boundary + 1s), boundary + 30min);
  EXPECT_EQ(coarse_link_expiry(boundary + 1ms), boundary + 30min);
}

TEST(CoarseLinkExpiry, SameLinkExpiryWithinOneWindow) {
  // Every instant in (boundary - 5 min, boundary] shares the same expiry, so links do not change.
  const sys_time expected = coarse_link_expiry(boundary);
  for (auto t = boundary - 5min + 1ms; t <= boundary; t += 1234ms) {
    EXPECT_EQ(coarse_link_expiry(t), expected) << visionary::util::format_rfc3339_millis(t);
  }
  EXPECT_EQ(coarse_link_expiry(boundary - 5min + 1ns), expected);
  EXPECT_NE(coarse_link_expiry(boundary - 5min), expected);  // previous window
}

// --- verify_blob_read_sas ----------------------------------------------------------------------

const std::string key = std::string("test-signing-key-\x00\xff", 19);
constexpr std::string_view account = "visionary";
constexpr std::string_view container = "images";
constexpr std::string_view blob = "images/8204999999999_a-red-fox_k3j4h5g6m2.png";
const sys_time now = boundary + 2min + 17s;

blob_sas_values link_values(std::string_view permissions = "r",
                            sys_time expiry = coarse_link_expiry(now),
                            std::string_view name = blob) {
  blob_sas_values v;
  v.account = account;
  v.container = container;
  v.blob = name;
  v.permissions = permissions;
  v.expires_on = visionary::util::format_iso_seconds(expiry);
  v.protocol = "https,http";
  v.content_type = "image/png";
  return v;
}

using visionary::testing::parse_query;

query_list signed_query(const blob_sas_values& v, std::string_view signing_key = key) {
  const std::string sig = visionary::storage::sign_blob_sas(signing_key, v);
  return parse_query(visionary::storage::blob_sas_query(v, sig));
}

void set_field(query_list& q, std::string_view name, std::string value) {
  for (auto& [n, v] : q) {
    if (n == name) v = std::move(value);
  }
}

void remove_field(query_list& q, std::string_view name) {
  std::erase_if(q, [&](const auto& p) { return p.first == name; });
}

void expect_forbidden(const query_list& q, std::string_view name = blob, sys_time at = now) {
  const auto result = verify_blob_read_sas(key, account, container, name, q, at);
  ASSERT_FALSE(result.has_value()) << "accepted a link that must be refused";
  EXPECT_EQ(result.error().kind, error_kind::forbidden);
  EXPECT_FALSE(result.error().message.empty());
}

TEST(VerifyBlobReadSas, AcceptsFreshlySignedLinkAndReturnsSignedValues) {
  const auto q = signed_query(link_values());
  const auto result = verify_blob_read_sas(key, account, container, blob, q, now);
  ASSERT_TRUE(result.has_value()) << result.error().message;
  EXPECT_EQ(result->permissions, "r");
  EXPECT_EQ(result->content_type, "image/png");
  EXPECT_EQ(result->protocol, "https,http");
  EXPECT_EQ(result->version, "2025-11-05");
  EXPECT_EQ(result->expires_on, visionary::util::format_iso_seconds(coarse_link_expiry(now)));
}

TEST(VerifyBlobReadSas, AcceptsNonAsciiBlobNames) {
  const std::string name = "gen/\xE6\x97\xA5 x#?.png";
  const auto q = signed_query(link_values("r", coarse_link_expiry(now), name));
  EXPECT_TRUE(verify_blob_read_sas(key, account, container, name, q, now).has_value());
}

TEST(VerifyBlobReadSas, IgnoresUnrelatedQueryParameters) {
  auto q = signed_query(link_values());
  q.insert(q.begin(), {"v", "12345"});
  q.emplace_back("_", "cachebuster");
  q.emplace_back("download", "");
  EXPECT_TRUE(verify_blob_read_sas(key, account, container, blob, q, now).has_value());
}

TEST(VerifyBlobReadSas, RejectsTamperedSignature) {
  auto q = signed_query(link_values());
  for (auto& [n, v] : q) {
    if (n == "sig") v[3] = v[3] == 'A' ? 'B' : 'A';
  }
  expect_forbidden(q);
}

TEST(VerifyBlobReadSas, RejectsOtherKey) {
  expect_forbidden(signed_query(link_values(), "another key"));
}

TEST(VerifyBlobReadSas, RejectsTamperedSignedValues) {
  auto q = signed_query(link_values());
  set_field(q, "rsct", "text/html");  // would let a link serve an image as HTML
  expect_forbidden(q);
  q = signed_query(link_values());
  set_field(q, "se", visionary::util::format_iso_seconds(coarse_link_expiry(now) + 5min));
  expect_forbidden(q);
}

TEST(VerifyBlobReadSas, RejectsExpiredLink) {
  const auto q = signed_query(link_values("r", now - 1s));
  expect_forbidden(q);
  // A valid link stops working at its expiry instant.
  const auto fresh = signed_query(link_values());
  expect_forbidden(fresh, blob, coarse_link_expiry(now));
  expect_forbidden(fresh, blob, coarse_link_expiry(now) + 1h);
}

TEST(VerifyBlobReadSas, RejectsLinkForAnotherBlob) {
  const auto q = signed_query(link_values());
  expect_forbidden(q, "images/8204999999999_a-red-fox_k3j4h5g6m3.png");
  expect_forbidden(q, "thumbnails/8204999999999_a-red-fox_k3j4h5g6m2.webp");
  EXPECT_FALSE(verify_blob_read_sas(key, account, "other", blob, q, now).has_value());
}

TEST(VerifyBlobReadSas, RejectsWritePermissionsEvenWhenCorrectlySigned) {
  expect_forbidden(signed_query(link_values("rw")));
  expect_forbidden(signed_query(link_values("w")));
  expect_forbidden(signed_query(link_values("racwd")));
  expect_forbidden(signed_query(link_values("")));
}

TEST(VerifyBlobReadSas, RejectsContainerResource) {
  auto q = signed_query(link_values());
  set_field(q, "sr", "c");
  expect_forbidden(q);
  remove_field(q, "sr");
  expect_forbidden(q);
}

TEST(VerifyBlobReadSas, RejectsMissingSignatureOrExpiry) {
  auto q = signed_query(link_values());
  remove_field(q, "sig");
  expect_forbidden(q);
  q = signed_query(link_values());
  set_field(q, "sig", "");
  expect_forbidden(q);
  q = signed_query(link_values());
  remove_field(q, "se");
  expect_forbidden(q);
  q = signed_query(link_values());
  remove_field(q, "sv");
  expect_forbidden(q);
  expect_forbidden({});
}

TEST(VerifyBlobReadSas, RejectsOtherVersionEvenWhenSigned) {
  auto v = link_values();
  v.version = "2020-12-06";
  expect_forbidden(signed_query(v));
}

TEST(VerifyBlobReadSas, RejectsRepeatedSignedField) {
  for (const char* field : {"sp", "se", "sig", "sr", "sv"}) {
    auto q = signed_query(link_values());
    for (const auto& [n, v] : query_list(q)) {
      if (n == field) q.emplace_back(n, v);  // same value twice is still ambiguous
    }
    SCOPED_TRACE(field);
    expect_forbidden(q);
  }
}

TEST(VerifyBlobReadSas, RejectsRepeatedFieldEvenWhenFirstCopyIsEmpty) {
  // "sp=&sp=r": two parsers (ours, a proxy's, a CDN's) may disagree about which copy counts.
  std::string accepted;
  for (const char* field : {"sp", "se", "sig", "sr", "sv", "rsct"}) {
    auto q = signed_query(link_values());
    q.insert(q.begin(), {field, ""});
    if (verify_blob_read_sas(key, account, container, blob, q, now).has_value())
      accepted += std::string(" ") + field;
  }
  EXPECT_TRUE(accepted.empty()) << "a signed field given twice was accepted:" << accepted;
}

TEST(VerifyBlobReadSas, RejectsExpiryBeyondMaximumLifetime) {
  expect_forbidden(signed_query(link_values("r", now + 35min)));
  // The documented limit is exact: no slack beyond 30 minutes.
  expect_forbidden(signed_query(link_values("r", now + 30min + 1s)));
  expect_forbidden(signed_query(link_values("r", now + 24h)));
  // The longest lifetime the server itself hands out is accepted.
  EXPECT_TRUE(verify_blob_read_sas(key, account, container, blob,
                                   signed_query(link_values("r", now + 30min)), now)
                  .has_value());
}

TEST(VerifyBlobReadSas, RejectsUnknownSignedFields) {
  for (const char* field : {"sip", "si", "ses", "rscd", "rsce", "rscl"}) {
    auto q = signed_query(link_values());
    q.emplace_back(field, "x");
    SCOPED_TRACE(field);
    expect_forbidden(q);
  }
}

// A signed expiry or start in year 9999 is beyond the clock: a refused link, not an overflow.
TEST(VerifyBlobReadSas, RefusesDatesBeyondTheClock) {
  auto far = link_values();
  far.expires_on = "9999-12-31T23:59:59Z";
  expect_forbidden(signed_query(far));
  auto late_start = link_values();
  late_start.starts_on = "9999-01-01T00:00:00Z";
  expect_forbidden(signed_query(late_start));
}

TEST(VerifyBlobReadSas, HonoursStartTime) {
  auto v = link_values();
  v.starts_on = visionary::util::format_iso_seconds(now - 1min);
  EXPECT_TRUE(
      verify_blob_read_sas(key, account, container, blob, signed_query(v), now).has_value());
  v.starts_on = visionary::util::format_iso_seconds(now + 10min);
  expect_forbidden(signed_query(v));
  v.starts_on = "yesterday";
  expect_forbidden(signed_query(v));
}

}  // namespace
