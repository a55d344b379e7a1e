// Azure Blob answers parsed without a network (src/storage/azure_blob_client.*): List Blobs
// (EnumerationResults XML, protocols.md §2.2) and the error code of a failed call.
#include <gtest/gtest.h>

#include <string>

#include "storage/azure_blob_client.hpp"
#include "util/time.hpp"

namespace {

using visionary::error_kind;
using visionary::net::http_response;
using visionary::storage::azure_error_code;
using visionary::storage::parse_list_blobs;

// Page 1 of a listing as Azurite 3.35.0 sends it for include=metadata&maxresults=2&prefix=gen/.
constexpr std::string_view page_one = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="imgs1795561431">
 <Prefix>gen/</Prefix><Marker/><MaxResults>2</MaxResults>
 <Blobs>
  <Blob><Name>gen/a.png</Name>
   <Properties><Creation-Time>Tue, 24 Nov 2026 23:03:52 GMT</Creation-Time><Last-Modified>Tue, 24 Nov 2026 23:03:52 GMT</Last-Modified><Etag>0x8DD2B1C4E5F6A7B</Etag>
    <Content-Length>34</Content-Length><Content-Type>image/png</Content-Type><Content-MD5>1B2M2Y8AsgTpgAmY7PhCfg==</Content-MD5>
    <BlobType>BlockBlob</BlobType><LeaseStatus>unlocked</LeaseStatus></Properties>
   <Metadata><Prompt>a%20red%20fox</Prompt><model>dall-e-3</model><CreatedAt>2026-11-24T23:03:51.123Z</CreatedAt></Metadata></Blob>
  <Blob><Name>gen/b &amp; c.webp</Name>
   <Properties><Last-Modified>Wed, 25 Nov 2026 01:02:03 GMT</Last-Modified><Etag>"0x8DD2B1C4E5F6A7C"</Etag>
    <Content-Length>5000000000</Content-Length><Content-Type>image/webp</Content-Type><BlobType>BlockBlob</BlobType></Properties>
   <Metadata/></Blob>
 </Blobs><NextMarker>gen/b &amp; c.webp</NextMarker></EnumerationResults>)";

constexpr std::string_view last_page = R"(<?xml version="1.0" encoding="utf-8"?>
<EnumerationResults ServiceEndpoint="http://127.0.0.1:10000/devstoreaccount1" ContainerName="imgs">
 <Prefix>gen/</Prefix><Marker>gen/b.png</Marker><MaxResults>2</MaxResults>
 <Blobs><Blob><Name>gen/c.png</Name><Properties><Last-Modified>Tue, 24 Nov 2026 23:03:53 GMT</Last-Modified><Etag>0x1</Etag><Content-Length>7</Content-Length><Content-Type>image/png</Content-Type></Properties></Blob></Blobs>
 <NextMarker/></EnumerationResults>)";

TEST(AzureListing, ParsesNamesSizesTypesEtagsDatesAndMetadata) {
  const auto page = parse_list_blobs(page_one);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);

  const auto& a = page->items[0];
  EXPECT_EQ(a.name, "gen/a.png");
  EXPECT_EQ(a.size, 34u);
  EXPECT_EQ(a.content_type, "image/png");
  EXPECT_EQ(a.etag, "\"0x8DD2B1C4E5F6A7B\"") << "ETags are kept quoted, as HTTP sends them";
  EXPECT_EQ(a.last_modified,
            visionary::util::parse_rfc1123("Tue, 24 Nov 2026 23:03:52 GMT").value());
  EXPECT_EQ(visionary::util::format_rfc3339_millis(a.last_modified), "2026-11-24T23:03:52.000Z");
  const visionary::core::blob_metadata expected{{"prompt", "a%20red%20fox"},
                                                {"model", "dall-e-3"},
                                                {"createdat", "2026-11-24T23:03:51.123Z"}};
  EXPECT_EQ(a.metadata, expected)
      << "metadata names are lower-cased (Azurite keeps the case they were sent with)";

  const auto& b = page->items[1];
  EXPECT_EQ(b.name, "gen/b & c.webp") << "XML entities are decoded";
  EXPECT_EQ(b.size, 5'000'000'000u) << "sizes beyond 32 bits";
  EXPECT_EQ(b.content_type, "image/webp");
  EXPECT_EQ(b.etag, "\"0x8DD2B1C4E5F6A7C\"") << "an already quoted ETag is not quoted twice";
  EXPECT_EQ(visionary::util::format_rfc3339_millis(b.last_modified), "2026-11-25T01:02:03.000Z");
  EXPECT_TRUE(b.metadata.empty());

  ASSERT_TRUE(page->next_marker.has_value());
  EXPECT_EQ(*page->next_marker, "gen/b & c.webp");
}

TEST(AzureListing, EmptyNextMarkerEndsTheListing) {
  const auto page = parse_list_blobs(last_page);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].name, "gen/c.png");
  EXPECT_EQ(page->items[0].size, 7u);
  EXPECT_FALSE(page->next_marker.has_value());
}

TEST(AzureListing, EmptyContainer) {
  const auto page = parse_list_blobs(
      R"(<?xml version="1.0" encoding="utf-8"?><EnumerationResults ServiceEndpoint="http://x/acct" ContainerName="c"><MaxResults>5000</MaxResults><Blobs/><NextMarker/></EnumerationResults>)");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_TRUE(page->items.empty());
  EXPECT_FALSE(page->next_marker.has_value());
}

TEST(AzureListing, MalformedOrUnexpectedXmlIsAnError) {
  for (std::string_view text :
       {std::string_view(""), std::string_view("not xml at all"),
        std::string_view("<EnumerationResults><Blobs><Blob><Name>x</Name></Blobs>"),
        std::string_view(R"(<?xml version="1.0"?><Error><Code>InternalError</Code></Error>)")}) {
    SCOPED_TRACE(std::string(text));
    const auto page = parse_list_blobs(text);
    ASSERT_FALSE(page.has_value()) << "accepted as a listing";
    EXPECT_EQ(page.error().kind, error_kind::storage_error);
    EXPECT_FALSE(page.error().message.empty());
  }
}

// A Last-Modified beyond the clock's range (year 9999) used to overflow it; it now reads as unknown
// (the epoch), like any other unreadable date.
TEST(AzureListing, DatesBeyondTheClockReadAsUnknown) {
  const auto page = parse_list_blobs(
      R"(<EnumerationResults><Blobs><Blob><Name>a.png</Name><Properties>)"
      R"(<Last-Modified>Fri, 31 Dec 9999 23:59:59 GMT</Last-Modified><Etag>0x1</Etag>)"
      R"(</Properties></Blob></Blobs></EnumerationResults>)");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].last_modified, visionary::util::sys_time{});
}

// Text between the metadata elements names no metadata entry.
TEST(AzureListing, MetadataIsReadFromElementsOnly) {
  const auto page =
      parse_list_blobs(R"(<EnumerationResults><Blobs><Blob><Name>a.png</Name>)"
                       R"(<Metadata>stray text<Model>dall-e-3</Model><!-- note --></Metadata>)"
                       R"(</Blob></Blobs></EnumerationResults>)");
  ASSERT_TRUE(page.has_value()) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].metadata, (visionary::core::blob_metadata{{"model", "dall-e-3"}}));
}

http_response response(unsigned status, visionary::net::header_list headers, std::string body) {
  http_response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

constexpr std::string_view error_body = R"(<?xml version="1.0" encoding="utf-8"?>
<Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.
RequestId:5f1c0a7e-0000-0000-0000-000000000000
Time:2026-11-24T23:03:51.0000000Z</Message></Error>)";

TEST(AzureErrorCode, PrefersTheHeader) {
  const auto r = response(
      403, {{"x-ms-request-id", "r1"}, {"x-ms-error-code", "AuthorizationFailure"}},
      std::string(R"(<?xml version="1.0"?><Error><Code>AuthenticationFailed</Code></Error>)"));
  EXPECT_EQ(azure_error_code(r), "AuthorizationFailure");
  // Header names are case-insensitive.
  const auto upper = response(409, {{"X-MS-Error-Code", "ContainerAlreadyExists"}}, "");
  EXPECT_EQ(azure_error_code(upper), "ContainerAlreadyExists");
}

TEST(AzureErrorCode, FallsBackToTheXmlCode) {
  EXPECT_EQ(azure_error_code(
                response(404, {{"Content-Type", "application/xml"}}, std::string(error_body))),
            "BlobNotFound");
  // An empty header does not hide the body's code.
  EXPECT_EQ(azure_error_code(response(404, {{"x-ms-error-code", ""}}, std::string(error_body))),
            "BlobNotFound");
}

TEST(AzureErrorCode, NothingToGoOnGivesAnEmptyCode) {
  EXPECT_EQ(azure_error_code(response(400, {}, "")), "");  // e.g. Azurite's bare 400, or a HEAD
  EXPECT_EQ(azure_error_code(response(502, {}, "<html>Bad Gateway</html>")), "");
  EXPECT_EQ(azure_error_code(response(500, {}, "garbage <<<")), "");
}

}  // namespace
