#include "storage/sas.hpp"

#include <set>

#include "core/link_policy.hpp"
#include "util/base64.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::storage {

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

namespace {

// The signed fields of a read link as they arrived, before the signature is checked.
struct signed_fields {
  blob_sas_values values;
  std::string resource_kind;
  std::string signature;
};

// Where each accepted query parameter goes; parameters that are not listed and not refused are
// unrelated (cache busters) and take no part in the signature.
std::string* field_for(std::string_view name, signed_fields& f) {
  if (name == "sv") return &f.values.version;
  if (name == "sp") return &f.values.permissions;
  if (name == "st") return &f.values.starts_on;
  if (name == "se") return &f.values.expires_on;
  if (name == "spr") return &f.values.protocol;
  if (name == "sr") return &f.resource_kind;
  if (name == "rscc") return &f.values.cache_control;
  if (name == "rsct") return &f.values.content_type;
  if (name == "sig") return &f.signature;
  return nullptr;
}

bool is_refused_field(std::string_view name) {
  return name == "si" || name == "sip" || name == "ses" || name == "rscd" || name == "rsce" ||
         name == "rscl";
}

outcome<void> collect_signed_fields(const std::vector<std::pair<std::string, std::string>>& query,
                                    signed_fields& fields) {
  std::set<std::string_view> seen;
  for (const auto& [name, value] : query) {
    if (is_refused_field(name)) {
      return make_error(error_kind::forbidden,
                        "This link uses a signed field that is not accepted.");
    }
    std::string* target = field_for(name, fields);
    if (target == nullptr) continue;
    if (!seen.insert(name).second) {
      return make_error(error_kind::forbidden,
                        "This link repeats the signed field '" + name + "'.");
    }
    *target = value;
  }
  return {};
}

// What a proven signature vouches for: read access, now inside the link's window.
outcome<void> check_grant(const blob_sas_values& v, util::sys_time now) {
  if (v.permissions != "r") {
    return make_error(error_kind::forbidden, "This link does not grant read access.");
  }
  const auto expiry = util::parse_iso_utc(v.expires_on);
  if (!expiry || now >= *expiry) {
    return make_error(error_kind::forbidden,
                      "This link has expired; reload the gallery for a fresh one.");
  }
  if (*expiry - now > core::max_link_lifetime) {
    return make_error(error_kind::forbidden, "This link's lifetime exceeds 30 minutes.");
  }
  if (!v.starts_on.empty()) {
    const auto start = util::parse_iso_utc(v.starts_on);
    if (!start || now < *start - std::chrono::minutes{5}) {
      return make_error(error_kind::forbidden, "This link is not valid yet.");
    }
  }
  return {};
}

}  // namespace

outcome<blob_sas_values> verify_blob_read_sas(
    std::string_view key, std::string_view account, std::string_view container,
    std::string_view blob, const std::vector<std::pair<std::string, std::string>>& query,
    util::sys_time now) {
  signed_fields fields;
  fields.values.account = account;
  fields.values.container = container;
  fields.values.blob = blob;
  fields.values.permissions.clear();
  fields.values.version.clear();
  if (auto collected = collect_signed_fields(query, fields); !collected) return collected.error();
  const auto& v = fields.values;
  if (fields.signature.empty() || v.expires_on.empty() || v.version.empty()) {
    return make_error(error_kind::forbidden, "This link is not signed.");
  }
  if (v.version != storage_api_version || fields.resource_kind != "b") {
    return make_error(error_kind::forbidden, "This link is not a blob read link.");
  }
  if (!util::constant_time_equal(sign_blob_sas(key, v), fields.signature)) {
    return make_error(error_kind::forbidden, "This link's signature is not valid for this file.");
  }
  // Only now, with the signature proven, do the signed values mean anything.
  if (auto granted = check_grant(v, now); !granted) return granted.error();
  return v;
}

std::string site_read_link(const site_link_signer& signer, std::string_view blob,
                           std::string_view content_type, util::sys_time expires_at) {
  blob_sas_values v;
  v.account = signer.account;
  v.container = signer.container;
  v.blob = blob;
  v.expires_on = util::format_iso_seconds(expires_at);
  v.protocol = "https,http";
  v.content_type = content_type;
  const std::string sig = sign_blob_sas(signer.key, v);
  return std::string(signer.prefix) + "/" + std::string(signer.container) + "/" +
         util::percent_encode_path(blob) + "?" + blob_sas_query(v, sig);
}

outcome<core::link_grant> verify_read_link(
    std::string_view key, std::string_view account, std::string_view container,
    std::string_view blob, const std::vector<std::pair<std::string, std::string>>& query,
    util::sys_time now) {
  auto values = verify_blob_read_sas(key, account, container, blob, query, now);
  if (!values) return values.error();
  return core::link_grant{util::parse_iso_utc(values->expires_on).value_or(now),
                          std::move(values->content_type)};
}

}  // namespace visionary::storage
