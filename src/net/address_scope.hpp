// address_scope: where an IP address leads, so that outbound calls chosen by someone else (a
// provider's image link) reach only the public internet: loopback, private and shared networks,
// link-local, unique-local, multicast, reserved and cloud metadata addresses are internal. IPv4
// addresses inside IPv6 (mapped, NAT64) count as the IPv4 address. Pure; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>

namespace visionary::net {

enum class address_scope {
  public_internet,
  loopback,         // 127.0.0.0/8, ::1
  private_network,  // 10/8, 172.16/12, 192.168/16, site-local fec0::/10 (deprecated)
  shared_network,   // 100.64.0.0/10 (carrier-grade NAT)
  link_local,       // 169.254.0.0/16, fe80::/10
  unique_local,     // fc00::/7
  cloud_metadata,   // 169.254.169.254, fd00:ec2::254, 100.100.100.200
  unspecified,      // 0.0.0.0/8, ::
  multicast,        // 224.0.0.0/4, ff00::/8
  reserved,         // 240.0.0.0/4 (with 255.255.255.255), IPv4-compatible ::/96
};

[[nodiscard]] address_scope scope_of(const boost::asio::ip::address& address);
[[nodiscard]] bool is_public_address(const boost::asio::ip::address& address);

}  // namespace visionary::net
