// Azure List Blobs answers: storage::parse_list_blobs on arbitrary text. An accepted listing has
// one item per <Blob>, quoted ETags, lower-case metadata names and dates that format back to
// themselves.
#include "storage/azure_listing.hpp"

#include <pugixml.hpp>
#include <string>

#include "fuzz_check.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace visionary;
  using fuzz::require;
  const std::string_view xml = fuzz::as_text(data, size);
  const auto page = storage::parse_list_blobs(xml);
  if (!page) {
    require(page.error().kind == error_kind::storage_error, "a bad listing is a storage_error");
    return 0;
  }
  pugi::xml_document document;
  require(bool(document.load_buffer(xml.data(), xml.size())), "an accepted listing is XML");
  const auto blobs = document.child("EnumerationResults").child("Blobs").children("Blob");
  require(std::size_t(std::distance(blobs.begin(), blobs.end())) == page->items.size(),
          "one item per <Blob>");
  for (const auto& item : page->items) {
    require(item.etag.size() >= 2 && item.etag.front() == '"', "ETags are quoted");
    for (const auto& [name, value] : item.metadata) {
      require(util::to_lower_ascii(name) == name, "metadata names are lower case");
    }
    const auto formatted = util::format_rfc1123(item.last_modified);
    require(util::parse_rfc1123(formatted) == item.last_modified,
            "a listed date formats back to itself");
  }
  require(!page->next_marker || !page->next_marker->empty(), "a next marker is never empty");
  return 0;
}
