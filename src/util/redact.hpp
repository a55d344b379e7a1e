// Redaction of credentials from text that is logged or shown: query parameters that carry a
// credential (sig, code, key, token, ...), the user:password part of URLs, and API keys quoted in
// other text. Pure; thread-safe.
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

// Words that look like API keys ("sk-" and what follows, as OpenAI-style keys and a provider's
// masked quotes of them begin) become "sk-***"; `secret`, when given (4 characters or more),
// becomes
// "***" wherever it appears: "bad key sk-pr...Wq7Z" → "bad key sk-***".
[[nodiscard]] std::string redact_secrets(std::string_view text, std::string_view secret = {});

}  // namespace visionary::util
