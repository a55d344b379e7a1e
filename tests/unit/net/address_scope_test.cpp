// address_scope: every internal range is named as such, at its edges, in both families and inside
// IPv6 (mapped, NAT64); the rest is public.
#include "net/address_scope.hpp"

#include <gtest/gtest.h>

namespace {

namespace ip = boost::asio::ip;
using visionary::net::address_scope;
using visionary::net::is_public_address;
using visionary::net::scope_of;

address_scope scope(const char* text) {
  return scope_of(ip::make_address(text));
}

TEST(AddressScope, LoopbackInBothFamilies) {
  for (const char* address : {"127.0.0.1", "127.0.0.2", "127.255.255.255", "::1"}) {
    EXPECT_EQ(scope(address), address_scope::loopback) << address;
  }
}

TEST(AddressScope, PrivateSharedAndLinkLocalNetworksAtTheirEdges) {
  for (const char* address : {"10.0.0.0", "10.255.255.255", "172.16.0.0", "172.31.255.255",
                              "192.168.0.0", "192.168.255.255", "fec0::1"}) {
    EXPECT_EQ(scope(address), address_scope::private_network) << address;
  }
  EXPECT_EQ(scope("100.64.0.0"), address_scope::shared_network);
  EXPECT_EQ(scope("100.127.255.255"), address_scope::shared_network);
  for (const char* address : {"169.254.0.1", "169.254.255.255", "fe80::1", "febf::1"}) {
    EXPECT_EQ(scope(address), address_scope::link_local) << address;
  }
  for (const char* address : {"fc00::1", "fd12:3456::1", "fdff:ffff::1"}) {
    EXPECT_EQ(scope(address), address_scope::unique_local) << address;
  }
  // Just outside each range.
  for (const char* address : {"9.255.255.255", "11.0.0.0", "172.15.255.255", "172.32.0.0",
                              "192.167.255.255", "192.169.0.0", "100.63.255.255", "100.128.0.0",
                              "169.253.255.255", "169.255.0.0", "fbff::1", "fe00::1"}) {
    EXPECT_EQ(scope(address), address_scope::public_internet) << address;
  }
}

TEST(AddressScope, CloudMetadataAddressesAreNamedAsSuch) {
  for (const char* address :
       {"169.254.169.254", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"}) {
    EXPECT_EQ(scope(address), address_scope::cloud_metadata) << address;
  }
  EXPECT_EQ(scope("169.254.169.253"), address_scope::link_local);
}

TEST(AddressScope, UnspecifiedMulticastAndReserved) {
  for (const char* address : {"0.0.0.0", "0.1.2.3", "::"}) {
    EXPECT_EQ(scope(address), address_scope::unspecified) << address;
  }
  for (const char* address : {"224.0.0.1", "239.255.255.250", "ff02::1"}) {
    EXPECT_EQ(scope(address), address_scope::multicast) << address;
  }
  for (const char* address : {"240.0.0.1", "255.255.255.255", "::7f00:1"}) {
    EXPECT_EQ(scope(address), address_scope::reserved) << address;
  }
}

TEST(AddressScope, IPv4InsideIPv6CountsAsTheIPv4Address) {
  EXPECT_EQ(scope("::ffff:127.0.0.1"), address_scope::loopback);
  EXPECT_EQ(scope("::ffff:10.1.2.3"), address_scope::private_network);
  EXPECT_EQ(scope("::ffff:0.0.0.0"), address_scope::unspecified);
  EXPECT_EQ(scope("::ffff:8.8.8.8"), address_scope::public_internet);
  // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
  EXPECT_EQ(scope("64:ff9b::7f00:1"), address_scope::loopback);
  EXPECT_EQ(scope("64:ff9b::a01:203"), address_scope::private_network);
  EXPECT_EQ(scope("64:ff9b::a9fe:a9fe"), address_scope::cloud_metadata);
  EXPECT_EQ(scope("64:ff9b::808:808"), address_scope::public_internet);
}

TEST(AddressScope, PublicAddressesArePublic) {
  for (const char* address :
       {"8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2001:4860:4860::8888"}) {
    EXPECT_TRUE(is_public_address(ip::make_address(address))) << address;
  }
  for (const char* address :
       {"127.0.0.1", "10.1.2.3", "::1", "169.254.169.254", "::ffff:10.0.0.1"}) {
    EXPECT_FALSE(is_public_address(ip::make_address(address))) << address;
  }
}

}  // namespace
