// Shared Key signing (src/storage/shared_key.*): golden vectors recorded with the official SDK
// (@azure/storage-blob, see tests/data/azure_golden.json "sharedKey"), plus the canonicalisation
// rules of protocols.md §2.4 that the vectors do not pin down on their own.
#include "storage/shared_key.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <boost/url/parse.hpp>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/test_data.hpp"
#include "util/base64.hpp"

namespace {

namespace json = boost::json;
using visionary::storage::shared_key_authorization;
using visionary::storage::shared_key_request;
using visionary::storage::shared_key_string_to_sign;

constexpr std::string_view dev_account = "devstoreaccount1";
constexpr std::string_view dev_key_base64 =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

json::value load_golden() {
  return visionary::testing::load_test_json("azure_golden.json");
}

std::string dev_key() {
  auto key = visionary::util::base64_decode(dev_key_base64);
  EXPECT_TRUE(key.has_value());
  return key.value_or("");
}

// The request exactly as the SDK sent it: the path still percent-encoded, the query decoded.
shared_key_request request_from_golden(const json::object& in) {
  shared_key_request r;
  r.method = std::string(in.at("method").as_string());
  const std::string url_text(in.at("url").as_string());
  auto url = boost::urls::parse_absolute_uri(url_text);
  EXPECT_TRUE(url.has_value()) << url_text;
  if (!url) return r;
  r.encoded_path = std::string(url->encoded_path());
  for (const auto& param : url->params()) r.query.emplace_back(param.key, param.value);
  for (const auto& [name, value] : in.at("headers").as_object()) {
    r.headers.emplace_back(std::string(name), std::string(value.as_string()));
  }
  return r;
}

TEST(SharedKeyGolden, MatchesOfficialSdkByteForByte) {
  const json::value golden = load_golden();
  ASSERT_TRUE(golden.as_object().contains("sharedKey"));
  const auto& cases = golden.at("sharedKey").as_array();
  ASSERT_GE(cases.size(), 5u) << "the golden file lost vectors";
  for (const auto& entry : cases) {
    const auto& in = entry.at("inputs").as_object();
    const auto& out = entry.at("outputs").as_object();
    SCOPED_TRACE(std::string(entry.at("name").as_string()));
    const std::string account(in.at("accountName").as_string());
    const auto key = visionary::util::base64_decode(std::string(in.at("accountKey").as_string()));
    ASSERT_TRUE(key.has_value());
    const shared_key_request request = request_from_golden(in);

    EXPECT_EQ(shared_key_string_to_sign(account, request),
              std::string(out.at("stringToSign").as_string()));
    EXPECT_EQ(shared_key_authorization(account, *key, request),
              std::string(out.at("authorization").as_string()));
  }
}

// The verified Create Container example of protocols.md §2.4 (path-style: the account appears
// twice).
TEST(SharedKeyStringToSign, PathStyleCreateContainerExample) {
  shared_key_request r{"PUT",
                       "/devstoreaccount1/imgs1795561431",
                       {{"restype", "container"}},
                       {{"x-ms-date", "Tue, 24 Nov 2026 23:03:51 GMT"},
                        {"x-ms-version", "2025-11-05"},
                        {"Content-Length", "0"}}};
  EXPECT_EQ(shared_key_string_to_sign(dev_account, r),
            "PUT\n\n\n\n\n\n\n\n\n\n\n\n"
            "x-ms-date:Tue, 24 Nov 2026 23:03:51 GMT\nx-ms-version:2025-11-05\n"
            "/devstoreaccount1/devstoreaccount1/imgs1795561431\nrestype:container");
}

TEST(SharedKeyStringToSign, CanonicalHeadersAreLowerCasedSortedAndTrimmed) {
  shared_key_request r{"PUT",
                       "/c/b",
                       {},
                       {{"X-MS-Version", "2025-11-05"},
                        {"x-ms-meta-Zeta", "  last  "},
                        {"X-Ms-Date", "\tTue, 24 Nov 2026 23:03:51 GMT "},
                        {"x-ms-blob-type", "BlockBlob"},
                        {"x-ms-meta-alpha", " first"},
                        {"User-Agent", "not signed"},
                        {"x-custom", "not signed either"}}};
  const std::string s = shared_key_string_to_sign("acct", r);
  EXPECT_EQ(s,
            "PUT\n\n\n\n\n\n\n\n\n\n\n\n"
            "x-ms-blob-type:BlockBlob\n"
            "x-ms-date:Tue, 24 Nov 2026 23:03:51 GMT\n"
            "x-ms-meta-alpha:first\n"
            "x-ms-meta-zeta:last\n"
            "x-ms-version:2025-11-05\n"
            "/acct/c/b");
  EXPECT_EQ(s.find("not signed"), std::string::npos);
}

TEST(SharedKeyStringToSign, StandardHeadersFillTheirSlotsCaseInsensitively) {
  shared_key_request r{"PUT",
                       "/c/b",
                       {},
                       {{"content-encoding", "gzip"},
                        {"CONTENT-LANGUAGE", "en"},
                        {"Content-Length", "34"},
                        {"Content-MD5", "abc=="},
                        {"content-type", " image/png "},
                        {"If-Match", "\"0x1\""},
                        {"If-None-Match", "*"},
                        {"Range", "bytes=0-3"},
                        {"x-ms-date", "D"}}};
  EXPECT_EQ(
      shared_key_string_to_sign("a", r),
      "PUT\ngzip\nen\n34\nabc==\nimage/png\n\n\n\"0x1\"\n*\n\nbytes=0-3\nx-ms-date:D\n/a/c/b");
}

TEST(SharedKeyStringToSign, ZeroContentLengthIsAnEmptyLine) {
  shared_key_request zero{"PUT", "/c", {}, {{"Content-Length", "0"}, {"x-ms-date", "D"}}};
  shared_key_request absent{"PUT", "/c", {}, {{"x-ms-date", "D"}}};
  const std::string s = shared_key_string_to_sign("a", zero);
  EXPECT_EQ(s, "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:D\n/a/c");
  EXPECT_EQ(s, shared_key_string_to_sign("a", absent));
  // A non-zero length is kept as is.
  shared_key_request one{"PUT", "/c", {}, {{"Content-Length", "1"}, {"x-ms-date", "D"}}};
  EXPECT_EQ(shared_key_string_to_sign("a", one), "PUT\n\n\n1\n\n\n\n\n\n\n\n\nx-ms-date:D\n/a/c");
}

TEST(SharedKeyStringToSign, QueryIsSortedLowerCasedDecodedAndMultiValuesJoined) {
  shared_key_request r{"GET",
                       "/acct/c",
                       {{"restype", "container"},
                        {"comp", "list"},
                        {"Prefix", "images/a b"},
                        {"include", "metadata"},
                        {"include", "deleted"}},
                       {{"x-ms-date", "D"}}};
  EXPECT_EQ(shared_key_string_to_sign("acct", r),
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:D\n/acct/acct/c"
            "\ncomp:list\ninclude:deleted,metadata\nprefix:images/a b\nrestype:container");
}

TEST(SharedKeyStringToSign, PathIsSignedExactlyAsSentStillEncoded) {
  shared_key_request r{
      "GET", "/devstoreaccount1/c/gen/%E6%97%A5%20x%23.png", {}, {{"x-ms-date", "D"}}};
  const std::string s = shared_key_string_to_sign(dev_account, r);
  EXPECT_TRUE(s.ends_with("\n/devstoreaccount1/devstoreaccount1/c/gen/%E6%97%A5%20x%23.png")) << s;
}

TEST(SharedKeyAuthorization, HeaderFormAndKeySensitivity) {
  shared_key_request r{
      "DELETE", "/gallery/a.png", {}, {{"x-ms-date", "D"}, {"x-ms-version", "2025-11-05"}}};
  const std::string key = dev_key();
  const std::string auth = shared_key_authorization("acct", key, r);
  ASSERT_TRUE(auth.starts_with("SharedKey acct:")) << auth;
  const auto sig =
      visionary::util::base64_decode(auth.substr(std::string_view("SharedKey acct:").size()));
  ASSERT_TRUE(sig.has_value()) << "signature is standard base64: " << auth;
  EXPECT_EQ(sig->size(), 32u) << "HMAC-SHA256 is 32 bytes";
  EXPECT_EQ(auth, shared_key_authorization("acct", key, r)) << "deterministic";
  EXPECT_NE(auth, shared_key_authorization("acct", key.substr(1), r)) << "depends on the key";
  r.headers[0].second = "E";
  EXPECT_NE(auth, shared_key_authorization("acct", key, r)) << "depends on the signed headers";
}

}  // namespace
