#include "http/query.hpp"

#include "util/text.hpp"

namespace visionary::http {

query_list decode_query(const boost::urls::url_view& url) {
  query_list out;
  // Decode by hand: Boost.URL's params() turns '+' into a space, which would corrupt signatures.
  for (const auto& param : url.encoded_params()) {
    auto key = util::percent_decode(std::string_view(param.key.data(), param.key.size()));
    auto value = util::percent_decode(std::string_view(param.value.data(), param.value.size()));
    if (key && value) out.emplace_back(std::move(*key), std::move(*value));
  }
  return out;
}

}  // namespace visionary::http
