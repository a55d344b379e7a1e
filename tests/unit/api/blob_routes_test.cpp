#include "api/blob_routes.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace {

using visionary::api::parse_range_header;
using visionary::api::split_blob_path;

void expect_range(std::string_view header, std::uint64_t size, std::uint64_t first,
                  std::optional<std::uint64_t> last) {
  const auto r = parse_range_header(header, size);
  ASSERT_TRUE(r.has_value()) << header;
  EXPECT_EQ(r->first, first) << header;
  EXPECT_EQ(r->last, last) << header;
}

TEST(RangeHeader, FirstLast) {
  expect_range("bytes=0-99", 1000, 0, 99);
  expect_range("bytes=0-0", 1000, 0, 0);
  expect_range("bytes=500-500", 1000, 500, 500);
  expect_range("bytes=0-5000", 1000, 0, 5000);  // the store clamps the last byte
}

TEST(RangeHeader, OpenEnded) {
  expect_range("bytes=100-", 1000, 100, std::nullopt);
  expect_range("bytes=0-", 1000, 0, std::nullopt);
  // Starting past the end parses; the route then answers 416.
  expect_range("bytes=2000-", 1000, 2000, std::nullopt);
}

TEST(RangeHeader, Suffix) {
  expect_range("bytes=-50", 1000, 950, std::nullopt);
  expect_range("bytes=-1", 1000, 999, std::nullopt);
  expect_range("bytes=-1000", 1000, 0, std::nullopt);
  expect_range("bytes=-5000", 1000, 0, std::nullopt);  // larger than the body: all of it
}

TEST(RangeHeader, MultiRangeIsIgnored) {
  EXPECT_EQ(parse_range_header("bytes=0-99,200-299", 1000), std::nullopt);
  EXPECT_EQ(parse_range_header("bytes=0-1, -5", 1000), std::nullopt);
}

TEST(RangeHeader, GarbageIsIgnored) {
  for (const char* bad : {"", "bytes", "bytes=", "bytes=-", "bytes=abc", "bytes=1-abc", "bytes=a-5",
                          "items=0-99", "bytes 0-99", "bytes=-0", "bytes=--5", "bytes=+1-2",
                          "bytes=0x10-", "bytes=99999999999999999999-", "bytes=5"}) {
    EXPECT_EQ(parse_range_header(bad, 1000), std::nullopt) << bad;
  }
}

TEST(RangeHeader, LastBeforeFirstIsIgnored) {
  EXPECT_EQ(parse_range_header("bytes=100-50", 1000), std::nullopt);
  EXPECT_EQ(parse_range_header("bytes=1-0", 1000), std::nullopt);
}

// The path after /blobs/ is still percent-encoded; nothing in it may escape the container.
TEST(BlobPath, SplitsContainerAndDecodedName) {
  const auto r = split_blob_path("images/images/8204438487654_a-red-fox_k3j4h5g6m2.png");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->first, "images");
  EXPECT_EQ(r->second, "images/8204438487654_a-red-fox_k3j4h5g6m2.png");
  const auto encoded = split_blob_path("images/gen/%E6%97%A5%20x%23%3F.png");
  ASSERT_TRUE(encoded.has_value()) << encoded.error().message;
  EXPECT_EQ(encoded->second, "gen/\xE6\x97\xA5 x#?.png");
}

TEST(BlobPath, RejectsEscapesAndMalformedPaths) {
  for (const char* bad :
       {"images/..%2Fsecret", "images/a%2fb", "images/a%5Cb", "images/a\\b", "images/../x",
        "images/%2E%2E/x", "images/./x", "images//x", "images/", "images", "/images/x", "images/%",
        "images/%zz", "images/%C3", "images/a%00b", "images/a%0Ab"}) {
    const auto r = split_blob_path(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().kind, visionary::error_kind::invalid_request) << bad;
  }
}

}  // namespace
