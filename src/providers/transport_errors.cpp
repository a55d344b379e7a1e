#include "providers/transport_errors.hpp"

namespace visionary::providers {

app_error provider_error_from(const net::transport_error& failure,
                              const transport_failure_texts& texts) {
  switch (failure.kind) {
    case net::transport_failure::timeout:
      return make_error(error_kind::provider_timeout, texts.timeout);
    case net::transport_failure::response_too_large:
      return make_error(error_kind::provider_error, texts.too_large);
    case net::transport_failure::invalid_url:
      return make_error(error_kind::provider_error,
                        "The image provider's address is not a valid URL; the administrator "
                        "should check the provider settings.");
    case net::transport_failure::resolve_failed:
    case net::transport_failure::connect_failed:
    case net::transport_failure::tls_failed:
    case net::transport_failure::protocol_error:
      break;
  }
  return make_error(error_kind::provider_unavailable, texts.unreachable);
}

}  // namespace visionary::providers
