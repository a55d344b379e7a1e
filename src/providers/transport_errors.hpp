// What a failed call to an image provider means to users, and what of it goes to the log. Users
// hear fixed words: the kind is decided by the transport failure, the words by the call. The
// provider's own words (and the transport's host names and ports) go only to the log, masked.
// Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "net/http_client.hpp"
#include "util/error.hpp"

namespace visionary::providers {

struct transport_failure_texts {
  std::string timeout;      // the call ran out of time
  std::string too_large;    // the answer exceeded its size limit
  std::string unreachable;  // nothing usable came back (resolve, connect, TLS, broken answer)
};

// timeout → provider_timeout; too large, an invalid URL or a refused destination →
// provider_error; aborted (the user cancelled) → cancelled; anything else → provider_unavailable,
// the only kind worth retrying.
[[nodiscard]] app_error provider_error_from(const net::transport_error& failure,
                                            const transport_failure_texts& texts);

// The most of a provider's answer one log line holds.
constexpr std::size_t max_logged_answer_bytes = 500;

// A provider's own words made fit for the log: API keys and `secret` (the configured credential)
// masked, one line of at most max_logged_answer_bytes.
[[nodiscard]] std::string loggable(std::string_view provider_text, std::string_view secret);

}  // namespace visionary::providers
