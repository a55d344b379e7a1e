#include "providers/image_link_reach.hpp"

#include "net/http_client.hpp"
#include "util/text.hpp"

namespace visionary::providers {

link_reach image_link_reach(std::string_view link, std::string_view provider_base_url) {
  const auto origin = net::origin_of(link);
  if (!origin) return link_reach::refused;
  if (origin == net::origin_of(provider_base_url)) return link_reach::provider_server;
  return util::starts_with(*origin, "https://") ? link_reach::public_only : link_reach::refused;
}

}  // namespace visionary::providers
