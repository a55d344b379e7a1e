#include "http/sse.hpp"

#include <gtest/gtest.h>

namespace {

using visionary::http::format_sse_event;

TEST(Sse, FormatsNameIdAndEveryLineOfData) {
  EXPECT_EQ(format_sse_event("state", "7", R"({"a":1})"),
            "event: state\nid: 7\ndata: {\"a\":1}\n\n");
  EXPECT_EQ(format_sse_event("x", "", "one\ntwo"), "event: x\ndata: one\ndata: two\n\n");
  EXPECT_EQ(format_sse_event("x", "", ""), "event: x\ndata: \n\n");
}

}  // namespace
