// Azure Storage connection strings (src/storage/connection_string.*): the production form, the
// emulator form with BlobEndpoint, UseDevelopmentStorage=true, and clear errors that never echo the
// key.
#include "storage/connection_string.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace {

using visionary::error_kind;
using visionary::storage::parse_connection_string;

constexpr std::string_view dev_key_base64 =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
// A made-up production key: 64 bytes, base64.
const std::string prod_key_base64 = visionary::util::base64_encode(std::string(64, '\x5a'));

std::string decoded(std::string_view base64) {
  return visionary::util::base64_decode(base64).value_or("<bad>");
}

TEST(ConnectionString, ProductionForm) {
  const auto a = parse_connection_string(
      "DefaultEndpointsProtocol=https;AccountName=visionarytest;AccountKey=" + prod_key_base64 +
      ";EndpointSuffix=core.windows.net");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->name, "visionarytest");
  EXPECT_EQ(a->key, std::string(64, '\x5a')) << "the key is decoded";
  EXPECT_EQ(a->blob_endpoint, "https://visionarytest.blob.core.windows.net");
  EXPECT_FALSE(a->path_style);
  EXPECT_TRUE(a->https);
}

TEST(ConnectionString, ProductionDefaultsAndOtherSuffix) {
  // No protocol and no suffix: https and the public cloud.
  const auto plain = parse_connection_string("AccountName=acct;AccountKey=" + prod_key_base64);
  ASSERT_TRUE(plain.has_value()) << plain.error().message;
  EXPECT_EQ(plain->blob_endpoint, "https://acct.blob.core.windows.net");
  EXPECT_TRUE(plain->https);
  EXPECT_FALSE(plain->path_style);

  const auto china = parse_connection_string(
      "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" + prod_key_base64 +
      ";EndpointSuffix=core.chinacloudapi.cn;");
  ASSERT_TRUE(china.has_value()) << china.error().message;
  EXPECT_EQ(china->blob_endpoint, "https://acct.blob.core.chinacloudapi.cn");
}

TEST(ConnectionString, EmulatorFormWithBlobEndpoint) {
  const auto a = parse_connection_string(
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
      std::string(dev_key_base64) + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->name, "devstoreaccount1");
  EXPECT_EQ(a->key, decoded(dev_key_base64));
  EXPECT_EQ(a->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_TRUE(a->path_style);
  EXPECT_FALSE(a->https);
}

TEST(ConnectionString, BlobEndpointTrailingSlashIsRemoved) {
  const auto a = parse_connection_string(
      "AccountName=devstoreaccount1;AccountKey=" + std::string(dev_key_base64) +
      ";BlobEndpoint=http://127.0.0.1:41234/devstoreaccount1/");
  ASSERT_TRUE(a.has_value()) << a.error().message;
  EXPECT_EQ(a->blob_endpoint, "http://127.0.0.1:41234/devstoreaccount1");
  EXPECT_TRUE(a->path_style);

  // A custom domain (CDN/private endpoint) without a path is host-style, and https.
  const auto custom = parse_connection_string("AccountName=acct;AccountKey=" + prod_key_base64 +
                                              ";BlobEndpoint=https://blobs.example.com/");
  ASSERT_TRUE(custom.has_value()) << custom.error().message;
  EXPECT_EQ(custom->blob_endpoint, "https://blobs.example.com");
  EXPECT_FALSE(custom->path_style);
  EXPECT_TRUE(custom->https);
}

TEST(ConnectionString, UseDevelopmentStorage) {
  for (const char* text : {"UseDevelopmentStorage=true", "UseDevelopmentStorage=true;",
                           " usedevelopmentstorage = TRUE "}) {
    SCOPED_TRACE(text);
    const auto a = parse_connection_string(text);
    ASSERT_TRUE(a.has_value()) << a.error().message;
    EXPECT_EQ(a->name, "devstoreaccount1");
    EXPECT_EQ(a->key, decoded(dev_key_base64));
    EXPECT_EQ(a->blob_endpoint, "http://127.0.0.1:10000/devstoreaccount1");
    EXPECT_TRUE(a->path_style);
    EXPECT_FALSE(a->https);
  }
}

TEST(ConnectionString, WhitespaceAndOrderAndCaseOfNamesAreTolerated) {
  const std::string canonical =
      "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" +
      std::string(dev_key_base64) + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;";
  const std::string shuffled =
      "  BlobEndpoint = http://127.0.0.1:10000/devstoreaccount1 ;\n accountkey= " +
      std::string(dev_key_base64) +
      " ;;ACCOUNTNAME=devstoreaccount1 ; defaultendpointsprotocol=http\t";
  const auto a = parse_connection_string(canonical);
  const auto b = parse_connection_string(shuffled);
  ASSERT_TRUE(a.has_value()) << a.error().message;
  ASSERT_TRUE(b.has_value()) << b.error().message;
  EXPECT_EQ(a->name, b->name);
  EXPECT_EQ(a->key, b->key);
  EXPECT_EQ(a->blob_endpoint, b->blob_endpoint);
  EXPECT_EQ(a->path_style, b->path_style);
  EXPECT_EQ(a->https, b->https);
  // The '=' padding of the key is part of the value, not a separator.
  EXPECT_EQ(b->key, decoded(dev_key_base64));
}

struct malformed_case {
  const char* label;
  std::string text;
  std::vector<std::string> message_mentions;  // every one must appear (case-insensitive)
};

TEST(ConnectionString, MalformedOnesSayWhatIsWrongAndNeverEchoTheKey) {
  const std::string key(dev_key_base64);
  const std::string bad_key = "Zm9v!!notbase64@@" + key.substr(0, 20);
  const std::vector<malformed_case> cases{
      {"empty", "", {"empty"}},
      {"only separators and spaces", " ; ;; ", {"empty"}},
      {"missing AccountName",
       "AccountKey=" + key + ";EndpointSuffix=core.windows.net",
       {"AccountName"}},
      {"empty AccountName", "AccountName=;AccountKey=" + key, {"AccountName"}},
      {"missing AccountKey", "DefaultEndpointsProtocol=https;AccountName=acct", {"AccountKey"}},
      {"bad base64 key", "AccountName=acct;AccountKey=" + bad_key, {"AccountKey", "base64"}},
      {"part without '='", "AccountName=acct;AccountKey=" + key + ";garbage", {"name=value"}},
      {"part with an empty name", "AccountName=acct;AccountKey=" + key + ";=value", {"name=value"}},
      {"BlobEndpoint not http(s)",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=ftp://127.0.0.1:10000/acct",
       {"BlobEndpoint"}},
      {"BlobEndpoint not a URL",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=localhost:10000",
       {"BlobEndpoint"}},
      // What an earlier fuzz run and a reading of the parser found: these used to give an
      // account the client could not use (or silently picked one of two values).
      {"empty BlobEndpoint",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=",
       {"BlobEndpoint"}},
      {"BlobEndpoint of a scheme only",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=http://",
       {"BlobEndpoint"}},
      {"BlobEndpoint with a query",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=http://127.0.0.1:10000/acct?x=1",
       {"BlobEndpoint"}},
      {"BlobEndpoint with user info",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=https://user@blobs.example.com",
       {"BlobEndpoint"}},
      {"BlobEndpoint with a fragment",
       "AccountName=acct;AccountKey=" + key + ";BlobEndpoint=https://blobs.example.com/#x",
       {"BlobEndpoint"}},
      {"AccountName that is no host label",
       "AccountName=evil.example.com/x;AccountKey=" + key,
       {"AccountName"}},
      {"AccountName in upper case", "AccountName=MyAccount;AccountKey=" + key, {"AccountName"}},
      {"AccountName too short", "AccountName=ab;AccountKey=" + key, {"AccountName"}},
      {"missing AccountName with a BlobEndpoint",
       "AccountKey=" + key + ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1",
       {"AccountName"}},
      {"EndpointSuffix that is no DNS name",
       "AccountName=acct;AccountKey=" + key + ";EndpointSuffix=evil.com/path?",
       {"EndpointSuffix"}},
      {"EndpointSuffix with an empty label",
       "AccountName=acct;AccountKey=" + key + ";EndpointSuffix=core..windows.net",
       {"EndpointSuffix"}},
      {"AccountName given twice", "AccountName=acct;AccountName=other;AccountKey=" + key, {"once"}},
      {"BlobEndpoint given twice in other cases",
       "AccountName=acct;AccountKey=" + key +
           ";BlobEndpoint=http://127.0.0.1:1/acct;blobendpoint=http://127.0.0.1:2/acct",
       {"once"}},
      {"DefaultEndpointsProtocol ftp",
       "DefaultEndpointsProtocol=ftp;AccountName=acct;AccountKey=" + key,
       {"DefaultEndpointsProtocol"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.label);
    const auto parsed = parse_connection_string(c.text);
    ASSERT_FALSE(parsed.has_value()) << "accepted: " << c.text;
    EXPECT_EQ(parsed.error().kind, error_kind::invalid_request);
    const std::string message = parsed.error().message;
    EXPECT_NE(message.find("AZURE_STORAGE_CONNECTION_STRING"), std::string::npos) << message;
    const std::string lowered = visionary::util::to_lower_ascii(message);
    for (const auto& mention : c.message_mentions) {
      EXPECT_NE(lowered.find(visionary::util::to_lower_ascii(mention)), std::string::npos)
          << "message should mention '" << mention << "': " << message;
    }
    // Never the key text, nor a recognisable piece of it.
    EXPECT_EQ(message.find(key), std::string::npos) << message;
    EXPECT_EQ(message.find(key.substr(0, 12)), std::string::npos) << message;
    EXPECT_EQ(message.find("Zm9v!!notbase64"), std::string::npos) << message;
  }
}

}  // namespace
