// Azure service SAS for a single blob (sr=b), version 2025-11-05 layout: string-to-sign, signature,
// query string, and parsing/verification of presented links. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ports/link_serving_store.hpp"
#include "util/error.hpp"
#include "util/time.hpp"

namespace visionary::storage {

inline constexpr std::string_view storage_api_version = "2025-11-05";

struct blob_sas_values {
  std::string account;
  std::string container;
  std::string blob;  // raw, unescaped UTF-8
  std::string permissions = "r";
  std::string starts_on;   // ISO seconds or empty
  std::string expires_on;  // ISO seconds, e.g. 2026-11-24T23:35:00Z
  std::string protocol;    // "https", "https,http" or empty
  std::string version = std::string(storage_api_version);
  std::string cache_control;  // rscc
  std::string content_type;   // rsct
};

// 16 fields joined by '\n', no trailing newline (sv >= 2020-12-06).
[[nodiscard]] std::string blob_sas_string_to_sign(const blob_sas_values& values);
// base64(HMAC-SHA256(key, string-to-sign)); key is the decoded account/signing key.
[[nodiscard]] std::string sign_blob_sas(std::string_view key, const blob_sas_values& values);
// "sv=...&spr=...&se=...&sr=b&sp=r[&rscc=...][&rsct=...]&sig=..." in the official SDK's order.
[[nodiscard]] std::string blob_sas_query(const blob_sas_values& values, std::string_view signature);

// Checks a presented SAS (decoded query parameters) for reading exactly account/container/blob.
// On success returns the signed values (e.g. rscc/rsct to honour); forbidden otherwise.
[[nodiscard]] outcome<blob_sas_values> verify_blob_read_sas(
    std::string_view key, std::string_view account, std::string_view container,
    std::string_view blob, const std::vector<std::pair<std::string, std::string>>& query,
    util::sys_time now);

// The site-relative read link the filesystem store hands out, signed for https and http:
// "{prefix}/{container}/{blob, percent-encoded}?{blob_sas_query}".
struct site_link_signer {
  std::string_view key;
  std::string_view account;
  std::string_view prefix;  // "/blobs"
  std::string_view container;
};
[[nodiscard]] std::string site_read_link(const site_link_signer& signer, std::string_view blob,
                                         std::string_view content_type, util::sys_time expires_at);

// verify_blob_read_sas, then what the link grants: reading until its expiry, answered with its
// signed content type. The filesystem store checks the links it hands out with this.
[[nodiscard]] outcome<core::link_grant> verify_read_link(
    std::string_view key, std::string_view account, std::string_view container,
    std::string_view blob, const std::vector<std::pair<std::string, std::string>>& query,
    util::sys_time now);

}  // namespace visionary::storage
