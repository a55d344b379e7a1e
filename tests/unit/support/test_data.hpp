// Access to the files under tests/data (recorded golden vectors). Single-threaded test use.
#pragma once

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace visionary::testing {

// Parses tests/data/<name> as JSON; throws (failing the test) when it is missing or malformed.
inline boost::json::value load_test_json(std::string_view name) {
  const std::filesystem::path path = std::filesystem::path(VISIONARY_TEST_DATA_DIR) / name;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

}  // namespace visionary::testing
