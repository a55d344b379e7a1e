// address_range: an IP network (address and prefix length) and whether an address lies in it,
// with IPv4-mapped IPv6 addresses read as the IPv4 address they carry. Value type; thread-safe.
#pragma once

#include <boost/asio/ip/address.hpp>

namespace visionary::util {

struct address_range {
  boost::asio::ip::address network;
  unsigned prefix_length = 0;
  [[nodiscard]] bool contains(const boost::asio::ip::address& address) const;
};

// An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) as the IPv4 address it is.
[[nodiscard]] boost::asio::ip::address canonical(const boost::asio::ip::address& address);

}  // namespace visionary::util
