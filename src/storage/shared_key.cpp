#include "storage/shared_key.hpp"

#include <algorithm>
#include <map>

#include "util/base64.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::storage {

std::string shared_key_string_to_sign(std::string_view account, const shared_key_request& request) {
  auto header = [&](std::string_view name) -> std::string {
    std::string joined;
    for (const auto& [key, value] : request.headers) {
      if (!util::iequals_ascii(key, name)) continue;
      if (!joined.empty()) joined += ',';
      joined += util::trim(value);
    }
    return joined;
  };
  std::string content_length = header("Content-Length");
  if (content_length == "0") content_length.clear();

  std::string out = request.method + "\n";
  out += header("Content-Encoding") + "\n";
  out += header("Content-Language") + "\n";
  out += content_length + "\n";
  out += header("Content-MD5") + "\n";
  out += header("Content-Type") + "\n";
  out += header("Date") + "\n";
  out += header("If-Modified-Since") + "\n";
  out += header("If-Match") + "\n";
  out += header("If-None-Match") + "\n";
  out += header("If-Unmodified-Since") + "\n";
  out += header("Range") + "\n";

  std::map<std::string, std::string> canonical_headers;
  for (const auto& [key, value] : request.headers) {
    const std::string name = util::to_lower_ascii(key);
    if (!util::starts_with(name, "x-ms-")) continue;
    auto& slot = canonical_headers[name];
    if (!slot.empty()) slot += ',';
    slot += util::trim(value);
  }
  for (const auto& [name, value] : canonical_headers) out += name + ":" + value + "\n";

  out += "/" + std::string(account) + request.encoded_path;
  std::map<std::string, std::vector<std::string>> parameters;
  for (const auto& [key, value] : request.query)
    parameters[util::to_lower_ascii(key)].push_back(value);
  for (auto& [name, values] : parameters) {
    std::sort(values.begin(), values.end());
    out += "\n" + name + ":";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

std::string shared_key_authorization(std::string_view account, std::string_view key,
                                     const shared_key_request& request) {
  const std::string signature =
      util::base64_encode(util::hmac_sha256(key, shared_key_string_to_sign(account, request)));
  return "SharedKey " + std::string(account) + ":" + signature;
}

}  // namespace visionary::storage
