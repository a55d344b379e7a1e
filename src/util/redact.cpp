#include "util/redact.hpp"

#include <array>

#include "util/text.hpp"

namespace visionary::util {

namespace {

constexpr std::array<std::string_view, 10> credential_parameters{
    "sig",     "code",    "key",    "token",    "access_token",
    "api-key", "api_key", "apikey", "password", "secret"};

constexpr std::string_view key_prefix = "sk-";
constexpr std::size_t min_secret_length = 4;

bool is_key_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '*';
}

}  // namespace

bool is_credential_parameter(std::string_view name) {
  for (const auto known : credential_parameters)
    if (iequals_ascii(name, known)) return true;
  return false;
}

std::string redact_query(std::string_view target) {
  const auto question = target.find('?');
  if (question == std::string_view::npos) return std::string(target);
  std::string out(target.substr(0, question + 1));
  std::string_view query = target.substr(question + 1);
  while (true) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto equals = pair.find('=');
    const auto name = pair.substr(0, equals);
    out += equals != std::string_view::npos && is_credential_parameter(name)
               ? std::string(name) + "=***"
               : std::string(pair);
    if (amp == std::string_view::npos) break;
    out += '&';
    query.remove_prefix(amp + 1);
  }
  return out;
}

std::string redact_url(std::string_view url) {
  std::string out = redact_query(url);
  const auto scheme_end = out.find("://");
  if (scheme_end == std::string::npos) return out;
  const auto authority = scheme_end + 3;
  const auto authority_end = out.find_first_of("/?#", authority);
  const auto at = out.rfind('@', authority_end == std::string::npos ? out.size() : authority_end);
  if (at != std::string::npos && at >= authority) out.replace(authority, at - authority, "***");
  return out;
}

std::string redact_secrets(std::string_view text, std::string_view secret) {
  const bool masks_secret = secret.size() >= min_secret_length;
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    const auto rest = text.substr(i);
    if (masks_secret && rest.starts_with(secret)) {
      out += "***";
      i += secret.size();
    } else if (rest.starts_with(key_prefix) && (i == 0 || !is_key_character(text[i - 1]))) {
      out += std::string(key_prefix) + "***";
      i += key_prefix.size();
      while (i < text.size() && is_key_character(text[i])) ++i;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace visionary::util
