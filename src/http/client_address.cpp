#include "http/client_address.hpp"

#include <algorithm>

#include "util/text.hpp"

namespace visionary::http {

namespace ip = boost::asio::ip;
using util::address_range;
using util::canonical;

namespace {

bool is_trusted(const ip::address& address, const std::vector<address_range>& trusted) {
  for (const auto& range : trusted)
    if (range.contains(address)) return true;
  return false;
}

// The entries of X-Forwarded-For (possibly several headers joined by commas), left to right.
std::vector<std::string_view> forwarded_entries(std::string_view header) {
  std::vector<std::string_view> entries;
  while (!header.empty()) {
    const auto comma = header.find(',');
    entries.push_back(util::trim(header.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return entries;
}

}  // namespace

outcome<std::vector<address_range>> parse_address_ranges(std::string_view text) {
  std::vector<address_range> ranges;
  for (const auto entry : forwarded_entries(text)) {
    if (entry.empty()) continue;
    const auto slash = entry.find('/');
    boost::system::error_code ec;
    const auto network = canonical(ip::make_address(std::string(entry.substr(0, slash)), ec));
    const unsigned full = network.is_v4() ? 32 : 128;
    const auto length = slash == std::string_view::npos
                            ? std::optional<unsigned>(full)
                            : util::parse_number<unsigned>(entry.substr(slash + 1));
    if (ec || !length || *length > full) {
      return make_error(error_kind::invalid_request,
                        "'" + std::string(entry) +
                            "' is not an IP address or CIDR range (e.g. 10.0.0.0/8 or ::1)");
    }
    ranges.push_back(address_range{network, *length});
  }
  return ranges;
}

namespace {

std::string identity_of(const ip::address& address) {
  if (address.is_v4()) return address.to_string();
  auto bytes = address.to_v6().to_bytes();
  std::fill(bytes.begin() + 8, bytes.end(), 0);
  return ip::make_address_v6(bytes).to_string() + "/64";
}

}  // namespace

bool is_trusted_peer(const ip::address& peer, const std::vector<address_range>& trusted_proxies) {
  return is_trusted(canonical(peer), trusted_proxies);
}

std::string resolve_client(const ip::address& peer, std::string_view forwarded_for,
                           const std::vector<address_range>& trusted_proxies,
                           bool believe_forwarded) {
  auto client = canonical(peer);
  if (!believe_forwarded && !is_trusted(client, trusted_proxies)) return identity_of(client);
  const auto entries = forwarded_entries(forwarded_for);
  for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
    boost::system::error_code ec;
    const auto hop = canonical(ip::make_address(std::string(*it), ec));
    if (ec) break;
    client = hop;
    if (!is_trusted(hop, trusted_proxies)) break;
  }
  return identity_of(client);
}

}  // namespace visionary::http
