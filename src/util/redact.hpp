// Redaction of credentials from text that is logged or shown: query parameters that carry a
// credential (sig, code, key, token, ...) and the user:password part of URLs. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace visionary::util {

// Case-insensitive: sig, code, key, token, access_token, api-key, api_key, apikey, password,
// secret.
[[nodiscard]] bool is_credential_parameter(std::string_view name);

// "/api/x?code=abc&y=1" → "/api/x?code=***&y=1" (a path or a whole URL).
[[nodiscard]] std::string redact_query(std::string_view target);

// Also drops the user:password@ part: "http://u:p@host/v1?key=k" → "http://***@host/v1?key=***".
[[nodiscard]] std::string redact_url(std::string_view url);

}  // namespace visionary::util
