#include "net/address_scope.hpp"

#include <optional>
#include <vector>

#include "util/address_range.hpp"

namespace visionary::net {

namespace ip = boost::asio::ip;

namespace {

struct scoped_range {
  util::address_range range;
  address_scope scope;
};

scoped_range entry(const char* network, unsigned prefix_length, address_scope scope) {
  return {{ip::make_address(network), prefix_length}, scope};
}

// Every internal range, the metadata addresses first so that they are named as such.
const std::vector<scoped_range>& internal_ranges() {
  using enum address_scope;
  static const std::vector<scoped_range> ranges{
      entry("169.254.169.254", 32, cloud_metadata),
      entry("fd00:ec2::254", 128, cloud_metadata),
      entry("100.100.100.200", 32, cloud_metadata),
      entry("0.0.0.0", 8, unspecified),
      entry("127.0.0.0", 8, loopback),
      entry("10.0.0.0", 8, private_network),
      entry("172.16.0.0", 12, private_network),
      entry("192.168.0.0", 16, private_network),
      entry("100.64.0.0", 10, shared_network),
      entry("169.254.0.0", 16, link_local),
      entry("224.0.0.0", 4, multicast),
      entry("240.0.0.0", 4, reserved),
      entry("::", 128, unspecified),
      entry("::1", 128, loopback),
      entry("::", 96, reserved),
      entry("fe80::", 10, link_local),
      entry("fec0::", 10, private_network),
      entry("fc00::", 7, unique_local),
      entry("ff00::", 8, multicast),
  };
  return ranges;
}

// The IPv4 address a NAT64 gateway (64:ff9b::/96) would reach for this IPv6 address.
std::optional<ip::address> nat64_target(const ip::address& address) {
  static const util::address_range well_known{ip::make_address("64:ff9b::"), 96};
  if (!address.is_v6() || !well_known.contains(address)) return std::nullopt;
  const auto bytes = address.to_v6().to_bytes();
  return ip::address_v4({bytes[12], bytes[13], bytes[14], bytes[15]});
}

}  // namespace

address_scope scope_of(const ip::address& address) {
  const auto target = nat64_target(address).value_or(util::canonical(address));
  for (const auto& [range, scope] : internal_ranges()) {
    if (range.contains(target)) return scope;
  }
  return address_scope::public_internet;
}

bool is_public_address(const ip::address& address) {
  return scope_of(address) == address_scope::public_internet;
}

}  // namespace visionary::net
