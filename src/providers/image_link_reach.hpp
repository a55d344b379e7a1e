// Where an image link of a provider's answer may be fetched from, decided by its origin alone.
// Pure function; thread-safe.
#pragma once

#include <string_view>

namespace visionary::providers {

// Where an image link of an answer may be fetched from. The provider's own server (the scheme, host
// and port of its configured base URL) is trusted as the generation call is: a local server may
// well be on loopback or a private network. Any other link must be https, and is fetched from
// public addresses only (the HTTP client checks them after DNS). Anything else is refused.
enum class link_reach { provider_server, public_only, refused };
[[nodiscard]] link_reach image_link_reach(std::string_view link,
                                          std::string_view provider_base_url);

}  // namespace visionary::providers
