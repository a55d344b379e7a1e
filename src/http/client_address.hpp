// client_address: who a request comes from. The peer's address, unless the peer is a trusted proxy
// (VISIONARY_TRUSTED_PROXIES, or a caller presenting the functions key, i.e. visionary web): then
// the X-Forwarded-For entry added by the last trusted hop. Pure functions; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "util/address_range.hpp"
#include "util/error.hpp"

namespace visionary::http {

// "10.0.0.0/8, 192.168.1.7, ::1, fd00::/8"; a bare address is a range of one. The error names the
// entry that is not a valid address or CIDR range.
[[nodiscard]] outcome<std::vector<util::address_range>> parse_address_ranges(std::string_view text);

// True when the peer is one of the trusted proxies.
[[nodiscard]] bool is_trusted_peer(const boost::asio::ip::address& peer,
                                   const std::vector<util::address_range>& trusted_proxies);

// The client of a request: the peer, or, when the peer is trusted (or `believe_forwarded`), the
// rightmost X-Forwarded-For entry that is not itself a trusted proxy. Malformed entries end the
// walk: the last address believed so far is the client. An IPv6 client is its /64 network
// ("2001:db8:1:2::/64"): one subscriber usually holds a whole /64, so single addresses would let
// it multiply its limits.
[[nodiscard]] std::string resolve_client(const boost::asio::ip::address& peer,
                                         std::string_view forwarded_for,
                                         const std::vector<util::address_range>& trusted_proxies,
                                         bool believe_forwarded);

}  // namespace visionary::http
