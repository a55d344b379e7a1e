#include "http/client_address.hpp"

#include <gtest/gtest.h>

namespace {

using namespace visionary::http;
using visionary::util::address_range;
namespace ip = boost::asio::ip;

std::vector<address_range> ranges(std::string_view text) {
  auto parsed = parse_address_ranges(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed ? *parsed : std::vector<address_range>{};
}

TEST(ClientAddress, RangesMatchByPrefixInBothFamilies) {
  const auto trusted = ranges("10.0.0.0/8, 192.168.1.7, fd00::/8");
  ASSERT_EQ(trusted.size(), 3u);
  EXPECT_TRUE(trusted[0].contains(ip::make_address("10.200.3.4")));
  EXPECT_FALSE(trusted[0].contains(ip::make_address("11.0.0.1")));
  EXPECT_TRUE(trusted[1].contains(ip::make_address("192.168.1.7")));
  EXPECT_FALSE(trusted[1].contains(ip::make_address("192.168.1.8")));
  EXPECT_TRUE(trusted[2].contains(ip::make_address("fd12::1")));
  EXPECT_FALSE(trusted[2].contains(ip::make_address("fe80::1")));
  EXPECT_TRUE(trusted[0].contains(ip::make_address("::ffff:10.1.2.3"))) << "IPv4-mapped IPv6";
}

TEST(ClientAddress, MalformedRangesAreNamed) {
  for (const char* bad : {"10.0.0.0/33", "not-an-ip", "10.0.0.0/x", "::1/129"}) {
    const auto parsed = parse_address_ranges(bad);
    ASSERT_FALSE(parsed.has_value()) << bad;
    EXPECT_NE(parsed.error().message.find(bad), std::string::npos) << parsed.error().message;
  }
  EXPECT_TRUE(parse_address_ranges("").has_value()) << "empty: trust nobody";
}

TEST(ClientAddress, ForwardedForIsIgnoredFromUntrustedPeers) {
  const auto peer = ip::make_address("203.0.113.9");
  EXPECT_EQ(resolve_client(peer, "1.2.3.4", ranges("10.0.0.0/8"), false), "203.0.113.9");
  EXPECT_EQ(resolve_client(peer, "1.2.3.4", {}, false), "203.0.113.9");
}

TEST(ClientAddress, TrustedProxiesNameTheFirstUntrustedHopFromTheRight) {
  const auto proxy = ip::make_address("10.0.0.5");
  const auto trusted = ranges("10.0.0.0/8");
  EXPECT_EQ(resolve_client(proxy, "198.51.100.7", trusted, false), "198.51.100.7");
  // A client cannot choose its identity by sending its own X-Forwarded-For first.
  EXPECT_EQ(resolve_client(proxy, "6.6.6.6, 198.51.100.7, 10.0.0.9", trusted, false),
            "198.51.100.7");
  EXPECT_EQ(resolve_client(proxy, "garbage, 198.51.100.7", trusted, false), "198.51.100.7");
  EXPECT_EQ(resolve_client(proxy, "", trusted, false), "10.0.0.5");
  EXPECT_EQ(resolve_client(proxy, "10.0.0.7", trusted, false), "10.0.0.7");
}

TEST(ClientAddress, AnIPv6ClientIsItsSlash64) {
  EXPECT_EQ(resolve_client(ip::make_address("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "", {}, false),
            "2001:db8:1:2::/64");
  EXPECT_EQ(resolve_client(ip::make_address("2001:db8:1:2::9"), "", {}, false), "2001:db8:1:2::/64")
      << "two addresses of one /64 are one client";
  EXPECT_EQ(resolve_client(ip::make_address("::1"), "", {}, false), "::/64");
}

TEST(ClientAddress, TheFunctionsKeyMakesTheWebTierBelieved) {
  const auto web_tier = ip::make_address("127.0.0.1");
  EXPECT_EQ(resolve_client(web_tier, "198.51.100.7", {}, true), "198.51.100.7");
  EXPECT_EQ(resolve_client(ip::make_address("::ffff:127.0.0.1"), "", {}, false), "127.0.0.1");
}

}  // namespace
