#include "providers/transport_errors.hpp"

#include "util/redact.hpp"
#include "util/text.hpp"

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
                        "The image provider's address is not a valid URL; please tell the site's "
                        "operator.");
    case net::transport_failure::destination_refused:
      return make_error(error_kind::provider_error, texts.unreachable);
    case net::transport_failure::aborted:
      return make_error(error_kind::cancelled, "The generation was cancelled.");
    case net::transport_failure::resolve_failed:
    case net::transport_failure::connect_failed:
    case net::transport_failure::tls_failed:
    case net::transport_failure::protocol_error:
      break;
  }
  return make_error(error_kind::provider_unavailable, texts.unreachable);
}

std::string loggable(std::string_view provider_text, std::string_view secret) {
  // Masked before the cut, so that a cut cannot leave part of a secret unrecognised; what lies
  // beyond four times the limit cannot reach the line.
  const auto masked =
      util::redact_secrets(provider_text.substr(0, 4 * max_logged_answer_bytes), secret);
  return util::single_line(masked, max_logged_answer_bytes);
}

}  // namespace visionary::providers
