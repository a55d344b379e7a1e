#include "storage/sas.hpp"

#include <set>

#include "util/base64.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::storage {

using core::error_kind;
using core::make_error;

std::string blob_sas_string_to_sign(const blob_sas_values& v) {
  std::string resource = "/blob/" + v.account + "/" + v.container + "/" + v.blob;
  // sp, st, se, resource, si, sip, spr, sv, sr, snapshot time, ses, rscc, rscd, rsce, rscl, rsct
  std::string out;
  out.reserve(256);
  for (const std::string_view field :
       {std::string_view(v.permissions), std::string_view(v.starts_on),
        std::string_view(v.expires_on), std::string_view(resource), std::string_view(),
        std::string_view(), std::string_view(v.protocol), std::string_view(v.version),
        std::string_view("b"), std::string_view(), std::string_view(),
        std::string_view(v.cache_control), std::string_view(), std::string_view(),
        std::string_view()}) {
    out += field;
    out += '\n';
  }
  out += v.content_type;
  return out;
}

std::string sign_blob_sas(std::string_view key, const blob_sas_values& values) {
  return util::base64_encode(util::hmac_sha256(key, blob_sas_string_to_sign(values)));
}

std::string blob_sas_query(const blob_sas_values& v, std::string_view signature) {
  std::string q = "sv=" + util::percent_encode(v.version);
  if (!v.protocol.empty()) q += "&spr=" + util::percent_encode(v.protocol);
  if (!v.starts_on.empty()) q += "&st=" + util::percent_encode(v.starts_on);
  q += "&se=" + util::percent_encode(v.expires_on);
  q += "&sr=b&sp=" + util::percent_encode(v.permissions);
  if (!v.cache_control.empty()) q += "&rscc=" + util::percent_encode(v.cache_control);
  if (!v.content_type.empty()) q += "&rsct=" + util::percent_encode(v.content_type);
  q += "&sig=" + util::percent_encode(signature);
  return q;
}

util::sys_time coarse_link_expiry(util::sys_time now) {
  using namespace std::chrono;
  constexpr auto grid = minutes{5};
  const auto boundary = ceil<seconds>(now);
  const auto since_epoch = boundary.time_since_epoch();
  const auto remainder = since_epoch % grid;
  const auto next = remainder == seconds{0} ? boundary : boundary + (grid - remainder);
  return time_point_cast<util::sys_time::duration>(next + (max_link_lifetime - grid));
}

core::outcome<blob_sas_values> verify_blob_read_sas(
    std::string_view key, std::string_view account, std::string_view container,
    std::string_view blob, const std::vector<std::pair<std::string, std::string>>& query,
    util::sys_time now) {
  blob_sas_values v;
  v.account = account;
  v.container = container;
  v.blob = blob;
  v.permissions.clear();
  v.version.clear();
  std::string resource_kind, signature;
  std::set<std::string_view> seen;
  for (const auto& [name, value] : query) {
    std::string* target = nullptr;
    if (name == "sv")
      target = &v.version;
    else if (name == "sp")
      target = &v.permissions;
    else if (name == "st")
      target = &v.starts_on;
    else if (name == "se")
      target = &v.expires_on;
    else if (name == "spr")
      target = &v.protocol;
    else if (name == "sr")
      target = &resource_kind;
    else if (name == "rscc")
      target = &v.cache_control;
    else if (name == "rsct")
      target = &v.content_type;
    else if (name == "sig")
      target = &signature;
    else if (name == "si" || name == "sip" || name == "ses" || name == "rscd" || name == "rsce" ||
             name == "rscl") {
      return make_error(error_kind::forbidden,
                        "This link uses a signed field that is not accepted.");
    } else {
      continue;  // unrelated parameters (cache busters) do not take part in the signature
    }
    if (!seen.insert(name).second) {
      return make_error(error_kind::forbidden,
                        "This link repeats the signed field '" + name + "'.");
    }
    *target = value;
  }
  if (signature.empty() || v.expires_on.empty() || v.version.empty()) {
    return make_error(error_kind::forbidden, "This link is not signed.");
  }
  if (v.version != storage_api_version || resource_kind != "b") {
    return make_error(error_kind::forbidden, "This link is not a blob read link.");
  }
  const std::string expected = sign_blob_sas(key, v);
  if (!util::constant_time_equal(expected, signature)) {
    return make_error(error_kind::forbidden, "This link's signature is not valid for this file.");
  }
  // Only now, with the signature proven, do the signed values mean anything.
  if (v.permissions != "r") {
    return make_error(error_kind::forbidden, "This link does not grant read access.");
  }
  const auto expiry = util::parse_iso_utc(v.expires_on);
  if (!expiry || now >= *expiry) {
    return make_error(error_kind::forbidden,
                      "This link has expired; reload the gallery for a fresh one.");
  }
  if (*expiry - now > max_link_lifetime + std::chrono::minutes{1}) {
    return make_error(error_kind::forbidden, "This link's lifetime exceeds 30 minutes.");
  }
  if (!v.starts_on.empty()) {
    const auto start = util::parse_iso_utc(v.starts_on);
    if (!start || now < *start - std::chrono::minutes{5}) {
      return make_error(error_kind::forbidden, "This link is not valid yet.");
    }
  }
  return v;
}

}  // namespace visionary::storage
