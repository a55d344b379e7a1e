// query: a request target's query parameters, percent-decoded the way signed links need them
// ('+' stays '+'). Value types; thread-safe functions.
#pragma once

#include <boost/url/url_view.hpp>
#include <string>
#include <utility>
#include <vector>

namespace visionary::http {

using query_list = std::vector<std::pair<std::string, std::string>>;

// The decoded parameters in order; a parameter whose escapes are malformed is left out.
[[nodiscard]] query_list decode_query(const boost::urls::url_view& url);

}  // namespace visionary::http
