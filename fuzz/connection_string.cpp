// Azure Storage connection strings: storage::parse_connection_string on arbitrary text. An
// accepted one names a valid account with a key, and a blob endpoint the client can build request
// URLs from; a refused one says so as an invalid_request naming the setting.
#include "storage/connection_string.hpp"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <string>

#include "fuzz_check.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace visionary;
  using fuzz::require;
  const auto account = storage::parse_connection_string(fuzz::as_text(data, size));
  if (!account) {
    require(account.error().kind == error_kind::invalid_request, "a refusal is invalid_request");
    require(util::starts_with(account.error().message, "AZURE_STORAGE_CONNECTION_STRING "),
            "a refusal names the setting");
    return 0;
  }
  require(account->name.size() >= 3 && account->name.size() <= 24 &&
              std::all_of(account->name.begin(), account->name.end(),
                          [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }),
          "the account name is 3-24 lower-case letters and digits");
  require(!account->key.empty(), "the key is not empty");
  const auto url = boost::urls::parse_absolute_uri(account->blob_endpoint);
  require(url.has_value(), "the blob endpoint is a URL");
  require(url->scheme() == (account->https ? "https" : "http"), "https follows the scheme");
  require(!url->host().empty(), "the blob endpoint has a host");
  require(!url->has_userinfo() && !url->has_query() && !url->has_fragment(),
          "the blob endpoint is scheme, host, port and path only");
  const std::string_view path = url->encoded_path();
  require(account->path_style == !path.empty(), "path-style endpoints are the ones with a path");
  // The client takes the path off the end to get the origin (azure_blob_client::signed_request).
  require(account->blob_endpoint.ends_with(path) && path != "/" && !path.ends_with('/'),
          "the endpoint ends with its path and no slash");
  return 0;
}
