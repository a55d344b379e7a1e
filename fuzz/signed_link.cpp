// Signed links: a presented /blobs request target (path and query) checked by verify_read_link
// (what the filesystem store's verify_link runs) and verify_blob_read_sas, which must agree; and a
// link signed as the store signs them (site_read_link) for the fuzzed name and content type must
// verify, for that blob only and only until it expires, with what was signed.
#include <boost/url/parse.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "api/blob_path.hpp"
#include "core/link_policy.hpp"
#include "fuzz_check.hpp"
#include "http/query.hpp"
#include "storage/sas.hpp"
#include "util/text.hpp"

namespace {

using namespace visionary;
using fuzz::require;
using http::query_list;

const storage::site_link_signer signer{"fuzz signing key, 32 bytes long.", "visionary", "/blobs",
                                       "images"};
const util::sys_time now = util::from_unix_millis(1'795'561'512'000);  // 2026-11-24T23:05:12Z

struct presented_link {
  std::string container;
  std::string name;
  query_list query;
};

// "/blobs/{container}/{name}?query" taken apart as the /blobs route does.
std::optional<presented_link> parse_target(std::string_view target) {
  auto url = boost::urls::parse_origin_form(target);
  if (!url) return std::nullopt;
  const std::string_view path = url->encoded_path();
  if (!util::starts_with(path, "/blobs/")) return std::nullopt;
  auto split = api::split_blob_path(path.substr(7));
  if (!split) return std::nullopt;
  return presented_link{split->first, split->second, http::decode_query(*url)};
}

outcome<core::link_grant> verify(const presented_link& link, std::string_view name,
                                 util::sys_time at) {
  return storage::verify_read_link(signer.key, signer.account, link.container, name, link.query,
                                   at);
}

// Whatever is presented, both checks agree, and a grant never outlives the link policy.
void check_presented(const presented_link& link) {
  const auto grant = verify(link, link.name, now);
  const auto values = storage::verify_blob_read_sas(signer.key, signer.account, link.container,
                                                    link.name, link.query, now);
  require(grant.has_value() == values.has_value(), "verify_read_link agrees with the SAS check");
  if (!grant) return;
  require(grant->expires_at > now, "a granted link has not expired");
  require(grant->expires_at - now <= core::max_link_lifetime, "a grant lasts at most 30 minutes");
}

// A link signed for name and content type verifies for exactly that blob, until it expires.
void check_round_trip(const std::string& name, const std::string& content_type,
                      std::size_t seconds) {
  const auto expires = now + std::chrono::seconds{1 + seconds % 1800};
  const auto link = parse_target(storage::site_read_link(signer, name, content_type, expires));
  require(link.has_value(), "a signed link parses");
  require(link->container == signer.container && link->name == name,
          "a signed link names its blob");
  const auto grant = verify(*link, link->name, now);
  require(grant.has_value(), "a signed link verifies");
  require(grant->expires_at == expires, "the grant ends when the link does");
  require(grant->content_type == content_type, "the grant carries the signed content type");
  require(!verify(*link, name + "x", now).has_value(), "a signed link does not open another blob");
  require(!verify(*link, link->name, expires).has_value(), "a signed link expires");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const auto presented = parse_target(text);
  if (presented) check_presented(*presented);
  // The same bytes as the blob name and content type of a link to sign.
  const auto question = text.find('?');
  const std::string name(presented ? std::string_view(presented->name) : text.substr(0, question));
  if (core::validate_blob_name(name)) {
    const std::string content_type(question == std::string_view::npos ? std::string_view()
                                                                      : text.substr(question + 1));
    check_round_trip(name, content_type, size);
  }
  return 0;
}
