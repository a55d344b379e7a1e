#include "util/redact.hpp"

#include <gtest/gtest.h>

namespace {

using namespace visionary::util;

TEST(Redact, CredentialParametersLoseTheirValues) {
  EXPECT_EQ(redact_query("/api/config?code=abc"), "/api/config?code=***");
  EXPECT_EQ(redact_query("/blobs/images/a.png?sv=2025&se=x&sr=b&sp=r&sig=SIG%3D"),
            "/blobs/images/a.png?sv=2025&se=x&sr=b&sp=r&sig=***");
  EXPECT_EQ(redact_query("/x?a=1&API-KEY=k&token=t&b=2"), "/x?a=1&API-KEY=***&token=***&b=2");
  EXPECT_EQ(redact_query("/x?codec=h264&keys=1"), "/x?codec=h264&keys=1") << "whole names only";
  EXPECT_EQ(redact_query("/plain/path"), "/plain/path");
  EXPECT_EQ(redact_query("/x?code"), "/x?code") << "a name without a value carries nothing";
}

TEST(Redact, UrlsLoseUserinfoToo) {
  EXPECT_EQ(redact_url("http://user:pass@127.0.0.1:8080/v1?key=k"),
            "http://***@127.0.0.1:8080/v1?key=***");
  EXPECT_EQ(redact_url("https://api.openai.com/v1"), "https://api.openai.com/v1");
  EXPECT_EQ(redact_url("https://host/path@not-userinfo"), "https://host/path@not-userinfo");
}

}  // namespace
