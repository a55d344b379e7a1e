#include "storage/connection_string.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <map>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::storage {

namespace {

constexpr std::string_view emulator_account = "devstoreaccount1";
constexpr std::string_view emulator_key =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

using parts_map = std::map<std::string, std::string, std::less<>>;

app_error bad(std::string_view what) {
  return make_error(error_kind::invalid_request,
                    "AZURE_STORAGE_CONNECTION_STRING " + std::string(what));
}

std::string part_value(const parts_map& parts, std::string_view name) {
  const auto it = parts.find(name);
  return it == parts.end() ? std::string() : it->second;
}

// "name=value;..." into lower-case names and trimmed values; a name given twice is refused, since
// which of the two was meant cannot be known.
outcome<parts_map> split_parts(std::string_view text) {
  parts_map parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const std::string_view part = util::trim(text.substr(start, end - start));
    start = end + 1;
    if (part.empty()) continue;
    const std::size_t equals = part.find('=');
    if (equals == std::string_view::npos || util::trim(part.substr(0, equals)).empty()) {
      return bad("has a part without a name=value form");
    }
    const std::string name = util::to_lower_ascii(util::trim(part.substr(0, equals)));
    if (!parts.emplace(name, util::trim(part.substr(equals + 1))).second) {
      return bad(
          "gives a name more than once (each of AccountName, AccountKey, BlobEndpoint, ... "
          "may appear once)");
    }
  }
  if (parts.empty()) return bad("is empty");
  return parts;
}

// Azure's rule for account names: 3 to 24 lower-case letters and digits. The name becomes part of
// host names, URL paths and signatures, so nothing else can be used.
bool is_valid_account_name(std::string_view name) {
  return name.size() >= 3 && name.size() <= 24 && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

// A DNS suffix such as core.windows.net: dot-separated labels of a-z, 0-9 and inner hyphens.
bool is_valid_endpoint_suffix(std::string_view suffix) {
  if (suffix.empty() || suffix.size() > 200) return false;
  std::size_t start = 0;
  while (start <= suffix.size()) {
    const std::size_t end = std::min(suffix.find('.', start), suffix.size());
    const std::string_view label = suffix.substr(start, end - start);
    const bool valid_label = !label.empty() && label.size() <= 63 && label.front() != '-' &&
                             label.back() != '-' &&
                             std::all_of(label.begin(), label.end(), [](char c) {
                               return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                      (c >= '0' && c <= '9') || c == '-';
                             });
    if (!valid_label) return false;
    start = end + 1;
  }
  return true;
}

azure_storage_account development_storage() {
  azure_storage_account account;
  account.name = emulator_account;
  account.key = *util::base64_decode(emulator_key);
  account.blob_endpoint = "http://127.0.0.1:10000/devstoreaccount1";
  account.path_style = true;
  account.https = false;
  return account;
}

// An explicit BlobEndpoint: an http(s) URL with a host and at most a path (the emulator's account
// segment); user info, a query or a fragment would end up inside every request URL.
outcome<void> apply_blob_endpoint(std::string_view text, azure_storage_account& account) {
  const std::string endpoint = util::without_trailing_slashes(text);
  auto url = boost::urls::parse_absolute_uri(endpoint);
  if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
    return bad("has a BlobEndpoint that is not an http(s) URL");
  }
  if (url->has_userinfo() || url->has_query() || url->has_fragment()) {
    return bad("has a BlobEndpoint with user info, a query or a fragment");
  }
  account.blob_endpoint = endpoint;
  account.https = url->scheme() == "https";
  account.path_style = !url->encoded_path().empty();
  return {};
}

// No BlobEndpoint: https://{account}.blob.{EndpointSuffix}.
outcome<void> apply_default_endpoint(const parts_map& parts, azure_storage_account& account) {
  std::string protocol = part_value(parts, "defaultendpointsprotocol");
  if (protocol.empty()) protocol = "https";
  if (protocol != "https" && protocol != "http")
    return bad("has a DefaultEndpointsProtocol other than https or http");
  std::string suffix = part_value(parts, "endpointsuffix");
  if (suffix.empty()) suffix = "core.windows.net";
  if (!is_valid_endpoint_suffix(suffix)) return bad("has an EndpointSuffix that is not a DNS name");
  account.https = protocol == "https";
  account.blob_endpoint = protocol + "://" + account.name + ".blob." + suffix;
  return {};
}

}  // namespace

outcome<azure_storage_account> parse_connection_string(std::string_view text) {
  auto parts = split_parts(text);
  if (!parts) return parts.error();
  if (util::iequals_ascii(part_value(*parts, "usedevelopmentstorage"), "true")) {
    return development_storage();
  }
  azure_storage_account account;
  account.name = part_value(*parts, "accountname");
  if (account.name.empty()) return bad("lacks AccountName");
  if (!is_valid_account_name(account.name)) {
    return bad("has an AccountName that is not 3 to 24 lower-case letters and digits");
  }
  const std::string key_text = part_value(*parts, "accountkey");
  if (key_text.empty()) return bad("lacks AccountKey");
  auto key = util::base64_decode(key_text);
  if (!key || key->empty()) return bad("has an AccountKey that is not valid base64");
  account.key = std::move(*key);

  const std::string endpoint = part_value(*parts, "blobendpoint");
  auto applied = parts->contains("blobendpoint") ? apply_blob_endpoint(endpoint, account)
                                                 : apply_default_endpoint(*parts, account);
  if (!applied) return applied.error();
  return account;
}

}  // namespace visionary::storage
