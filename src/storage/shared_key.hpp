// Azure Storage Shared Key authorization (Blob service, versions >= 2015-02-21): the canonical
// string-to-sign of a request and the Authorization header value. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace visionary::storage {

struct shared_key_request {
  std::string method;        // "PUT"
  std::string encoded_path;  // exactly as sent, e.g. "/devstoreaccount1/images/a%20b.png"
  std::vector<std::pair<std::string, std::string>> query;    // decoded names and values
  std::vector<std::pair<std::string, std::string>> headers;  // every header that will be sent
};

[[nodiscard]] std::string shared_key_string_to_sign(std::string_view account,
                                                    const shared_key_request& request);
// "SharedKey {account}:{base64 HMAC-SHA256 of the string-to-sign}"; key is the decoded account key.
[[nodiscard]] std::string shared_key_authorization(std::string_view account, std::string_view key,
                                                   const shared_key_request& request);

}  // namespace visionary::storage
