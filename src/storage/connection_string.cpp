#include "storage/connection_string.hpp"

#include <boost/url/parse.hpp>
#include <map>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::storage {

namespace {

constexpr std::string_view emulator_account = "devstoreaccount1";
constexpr std::string_view emulator_key =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

}  // namespace

outcome<azure_storage_account> parse_connection_string(std::string_view text) {
  auto bad = [](std::string what) {
    return make_error(error_kind::invalid_request, "AZURE_STORAGE_CONNECTION_STRING " + what);
  };
  std::map<std::string, std::string> parts;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(';', start), text.size());
    const std::string_view part = util::trim(text.substr(start, end - start));
    if (!part.empty()) {
      const std::size_t equals = part.find('=');
      if (equals == std::string_view::npos || equals == 0)
        return bad("has a part without a name=value form");
      parts[util::to_lower_ascii(util::trim(part.substr(0, equals)))] =
          std::string(util::trim(part.substr(equals + 1)));
    }
    start = end + 1;
  }
  if (parts.empty()) return bad("is empty");

  azure_storage_account account;
  if (util::iequals_ascii(parts["usedevelopmentstorage"], "true")) {
    account.name = emulator_account;
    account.key = *util::base64_decode(emulator_key);
    account.blob_endpoint = "http://127.0.0.1:10000/devstoreaccount1";
    account.path_style = true;
    account.https = false;
    return account;
  }
  account.name = parts["accountname"];
  if (account.name.empty()) return bad("lacks AccountName");
  if (parts["accountkey"].empty()) return bad("lacks AccountKey");
  auto key = util::base64_decode(parts["accountkey"]);
  if (!key || key->empty()) return bad("has an AccountKey that is not valid base64");
  account.key = std::move(*key);

  if (!parts["blobendpoint"].empty()) {
    std::string endpoint = parts["blobendpoint"];
    endpoint = util::without_trailing_slashes(endpoint);
    auto url = boost::urls::parse_absolute_uri(endpoint);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
      return bad("has a BlobEndpoint that is not an http(s) URL");
    }
    account.blob_endpoint = endpoint;
    account.https = url->scheme() == "https";
    account.path_style = !url->encoded_path().empty() && url->encoded_path() != "/";
    return account;
  }
  const std::string protocol =
      parts["defaultendpointsprotocol"].empty() ? "https" : parts["defaultendpointsprotocol"];
  if (protocol != "https" && protocol != "http")
    return bad("has a DefaultEndpointsProtocol other than https or http");
  const std::string suffix =
      parts["endpointsuffix"].empty() ? "core.windows.net" : parts["endpointsuffix"];
  account.https = protocol == "https";
  account.blob_endpoint = protocol + "://" + account.name + ".blob." + suffix;
  return account;
}

}  // namespace visionary::storage
