// Splitting and percent-decoding a URL query the way the HTTP layer hands it to the link verifier.
// Single-threaded test use.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/text.hpp"

namespace visionary::testing {

inline std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto part = query.substr(0, amp);
    const auto eq = part.find('=');
    auto name = util::percent_decode(part.substr(0, eq));
    auto value = util::percent_decode(eq == std::string_view::npos ? "" : part.substr(eq + 1));
    EXPECT_TRUE(name && value) << part;
    out.emplace_back(name.value_or(""), value.value_or(""));
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return out;
}

}  // namespace visionary::testing
