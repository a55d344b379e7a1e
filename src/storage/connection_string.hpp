// Parsing of Azure Storage connection strings: the production form (AccountName, AccountKey,
// EndpointSuffix, DefaultEndpointsProtocol), the emulator form with BlobEndpoint, and
// UseDevelopmentStorage=true. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "util/error.hpp"

namespace visionary::storage {

struct azure_storage_account {
  std::string name;
  std::string key;            // decoded key bytes
  std::string blob_endpoint;  // "https://acct.blob.core.windows.net" or
                              // "http://127.0.0.1:10000/devstoreaccount1"
  bool path_style = false;    // the account is part of the path (emulator), not of the host name
  bool https = true;
};

// invalid_request with a message saying which part is missing or malformed (never echoing the key).
[[nodiscard]] outcome<azure_storage_account> parse_connection_string(std::string_view text);

}  // namespace visionary::storage
