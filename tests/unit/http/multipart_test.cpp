#include "http/multipart.hpp"

#include <gtest/gtest.h>

namespace {

using namespace visionary;
using http::multipart_limits;
using http::parse_multipart;

std::string form(std::initializer_list<std::string> parts, std::string_view boundary = "XyZ") {
  std::string body;
  for (const auto& part : parts) body += "--" + std::string(boundary) + "\r\n" + part + "\r\n";
  return body + "--" + std::string(boundary) + "--\r\n";
}

std::string field(std::string_view name, std::string_view value) {
  return "Content-Disposition: form-data; name=\"" + std::string(name) + "\"\r\n\r\n" +
         std::string(value);
}

std::string file(std::string_view name, std::string_view filename, std::string_view type,
                 std::string_view bytes) {
  return "Content-Disposition: form-data; name=\"" + std::string(name) + "\"; filename=\"" +
         std::string(filename) + "\"\r\nContent-Type: " + std::string(type) + "\r\n\r\n" +
         std::string(bytes);
}

std::string_view code_of(const http::http_error& error) {
  return http::error_code(error);
}

TEST(MultipartBoundary, ReadsTokenAndQuotedBoundaries) {
  EXPECT_EQ(*http::multipart_boundary("multipart/form-data; boundary=abc123"), "abc123");
  EXPECT_EQ(*http::multipart_boundary("Multipart/Form-Data;BOUNDARY=\"a b'c\""), "a b'c");
  EXPECT_EQ(*http::multipart_boundary(
                "multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundaryq2"),
            "----WebKitFormBoundaryq2");
}

TEST(MultipartBoundary, RefusesOtherTypesAndBadBoundaries) {
  EXPECT_EQ(code_of(http::multipart_boundary("application/json").error()),
            "unsupported_media_type");
  EXPECT_EQ(code_of(http::multipart_boundary("multipart/form-data").error()), "invalid_request");
  EXPECT_EQ(code_of(http::multipart_boundary("multipart/form-data; boundary=").error()),
            "invalid_request");
  EXPECT_EQ(code_of(http::multipart_boundary("multipart/form-data; boundary=a\x01").error()),
            "invalid_request");
  EXPECT_FALSE(http::multipart_boundary("multipart/form-data; boundary=" + std::string(71, 'a')));
  EXPECT_TRUE(http::multipart_boundary("multipart/form-data; boundary=" + std::string(70, 'a')));
}

TEST(Multipart, ReadsFieldsAndFilesInOrder) {
  const std::string bytes("\x89PNG\r\n\x1a\n\0\r\n--Xy", 15);
  const auto body = form({field("prompt", "a red fox"),
                          file("image", "fox.png", "image/png", bytes), field("empty", "")});
  auto parts = parse_multipart(body, "XyZ", multipart_limits{});
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].name, "prompt");
  EXPECT_EQ((*parts)[0].body, "a red fox");
  EXPECT_FALSE((*parts)[0].filename);
  EXPECT_EQ((*parts)[0].content_type, "text/plain");
  EXPECT_EQ((*parts)[1].name, "image");
  EXPECT_EQ((*parts)[1].filename, "fox.png");
  EXPECT_EQ((*parts)[1].content_type, "image/png");
  EXPECT_EQ((*parts)[1].body, bytes) << "CRLF and dashes inside a file stay";
  EXPECT_EQ((*parts)[2].body, "");
}

TEST(Multipart, AcceptsPreambleEpilogueAndEscapedNames) {
  const std::string body =
      "preamble text\r\n--B\r\nContent-Disposition: form-data; "
      "name=\"a\\\"b\"; filename=\"x;y.png\"\r\n\r\nv\r\n--B--\r\nepilogue";
  auto parts = parse_multipart(body, "B", multipart_limits{});
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 1u);
  EXPECT_EQ((*parts)[0].name, "a\"b");
  EXPECT_EQ((*parts)[0].filename, "x;y.png");
  EXPECT_EQ((*parts)[0].body, "v");
}

TEST(Multipart, RefusesMalformedBodies) {
  const multipart_limits limits;
  auto check = [&](std::string_view body, std::string_view words) {
    auto parts = parse_multipart(body, "B", limits);
    ASSERT_FALSE(parts) << body;
    EXPECT_EQ(code_of(parts.error()), "invalid_request") << body;
    EXPECT_NE(parts.error().message.find(words), std::string::npos) << parts.error().message;
  };
  check("no boundary here", "does not start with its boundary");
  check("--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", "closing boundary");
  check("--B\r\nContent-Type: text/plain\r\n\r\nv\r\n--B--", "no Content-Disposition");
  check("--B\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nv\r\n--B--", "form-data");
  check("--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n--B--", "with a name");
  check("--B\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--B--", "form-data");
  check("--B\r\nbroken header\r\n\r\nv\r\n--B--", "malformed header");
  check("--Bjunk\r\n", "line end");
  check("--B\r\nContent-Disposition: form-data; name=\"a\"", "never end");
}

TEST(Multipart, CapsPartsHeadersAndSizes) {
  multipart_limits limits;
  limits.max_parts = 2;
  limits.max_header_bytes = 120;
  limits.max_part_bytes = 10;
  limits.max_total_bytes = 15;
  auto code = [&](const std::string& body) {
    auto parts = parse_multipart(body, "XyZ", limits);
    return parts ? std::string("ok") : std::string(code_of(parts.error()));
  };
  EXPECT_EQ(code(form({field("a", "1234567890"), field("b", "12345")})), "ok");
  EXPECT_EQ(code(form({field("a", "1"), field("b", "2"), field("c", "3")})), "payload_too_large");
  EXPECT_EQ(code(form({field("a", "12345678901")})), "payload_too_large");
  EXPECT_EQ(code(form({field("a", "1234567890"), field("b", "123456")})), "payload_too_large");
  EXPECT_EQ(code(form({field(std::string(200, 'n'), "1")})), "payload_too_large");
  auto parts = parse_multipart(form({field("mask", "12345678901")}), "XyZ", limits);
  ASSERT_FALSE(parts);
  EXPECT_NE(parts.error().message.find("'mask'"), std::string::npos) << "names the field";
}

}  // namespace
