#include "util/address_range.hpp"

#include <algorithm>
#include <vector>

namespace visionary::util {

namespace ip = boost::asio::ip;

namespace {

std::vector<unsigned char> bytes_of(const ip::address& address) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return {bytes.begin(), bytes.end()};
  }
  const auto bytes = address.to_v6().to_bytes();
  return {bytes.begin(), bytes.end()};
}

}  // namespace

ip::address canonical(const ip::address& address) {
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return ip::make_address_v4(ip::v4_mapped, address.to_v6());
  }
  return address;
}

bool address_range::contains(const ip::address& candidate) const {
  const auto address = canonical(candidate);
  if (address.is_v4() != network.is_v4()) return false;
  const auto want = bytes_of(network);
  const auto have = bytes_of(address);
  unsigned bits = prefix_length;
  for (std::size_t i = 0; i < want.size() && bits > 0; ++i) {
    const unsigned take = std::min(bits, 8u);
    const auto mask = static_cast<unsigned char>(0xFF << (8 - take));
    if ((want[i] & mask) != (have[i] & mask)) return false;
    bits -= take;
  }
  return true;
}

}  // namespace visionary::util
