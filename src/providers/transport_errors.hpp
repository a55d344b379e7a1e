// What a failed outbound call to an image provider means to users: the kind is decided by the
// transport failure, the words by the call. Pure; thread-safe.
#pragma once

#include <string>

#include "net/http_client.hpp"
#include "util/error.hpp"

namespace visionary::providers {

struct transport_failure_texts {
  std::string timeout;      // the call ran out of time
  std::string too_large;    // the answer exceeded its size limit
  std::string unreachable;  // nothing usable came back (resolve, connect, TLS, broken answer)
};

// timeout → provider_timeout; too large or an invalid URL → provider_error; anything else →
// provider_unavailable, the only kind worth retrying.
[[nodiscard]] app_error provider_error_from(const net::transport_error& failure,
                                            const transport_failure_texts& texts);

}  // namespace visionary::providers
