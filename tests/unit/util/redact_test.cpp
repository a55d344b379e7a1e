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

TEST(Redact, KeyLikeWordsAndTheSecretAreMasked) {
  EXPECT_EQ(redact_secrets("Incorrect API key provided: sk-proj-ab****Wq7Z. See docs."),
            "Incorrect API key provided: sk-*** See docs.");
  EXPECT_EQ(redact_secrets("key sk-proj-...Wq7Z at 10.1.2.3"), "key sk-*** at 10.1.2.3");
  EXPECT_EQ(redact_secrets("sk-"), "sk-***");
  EXPECT_EQ(redact_secrets("task-force desk-lamp"), "task-force desk-lamp") << "whole words only";
  EXPECT_EQ(redact_secrets("azure key 0123abcd0123abcd rejected", "0123abcd0123abcd"),
            "azure key *** rejected");
  EXPECT_EQ(redact_secrets("user:pw@x user:pw", "user:pw"), "***@x ***");
  EXPECT_EQ(redact_secrets("a b c", "b"), "a b c") << "too short to be told from ordinary text";
  EXPECT_EQ(redact_secrets("nothing to hide", ""), "nothing to hide");
}

}  // namespace
