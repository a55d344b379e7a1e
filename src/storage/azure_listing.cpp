#include "storage/azure_listing.hpp"

#include <pugixml.hpp>

#include "util/text.hpp"

namespace visionary::storage {

namespace {

core::blob_properties blob_from_xml(const pugi::xml_node& blob) {
  core::blob_properties p;
  p.name = blob.child("Name").text().as_string();
  const auto props = blob.child("Properties");
  p.size = util::parse_number<std::uint64_t>(props.child("Content-Length").text().as_string())
               .value_or(0);
  p.content_type = props.child("Content-Type").text().as_string();
  p.etag = quoted_etag(props.child("Etag").text().as_string());
  p.last_modified = util::parse_rfc1123(props.child("Last-Modified").text().as_string())
                        .value_or(util::sys_time{});
  // Elements only: text or comments between them name no metadata.
  for (auto entry : blob.child("Metadata").children()) {
    if (entry.type() != pugi::node_element) continue;
    p.metadata[util::to_lower_ascii(entry.name())] = entry.text().as_string();
  }
  return p;
}

}  // namespace

outcome<core::blob_page> parse_list_blobs(std::string_view xml) {
  pugi::xml_document document;
  if (!document.load_buffer(xml.data(), xml.size())) {
    return make_error(error_kind::storage_error, "Azure Storage sent a listing that is not XML");
  }
  const auto results = document.child("EnumerationResults");
  if (!results)
    return make_error(error_kind::storage_error, "Azure Storage sent an unexpected listing");
  core::blob_page page;
  for (auto blob : results.child("Blobs").children("Blob"))
    page.items.push_back(blob_from_xml(blob));
  const std::string next = results.child("NextMarker").text().as_string();
  if (!next.empty()) page.next_marker = next;
  return page;
}

std::string quoted_etag(std::string_view etag) {
  if (!etag.empty() && etag.front() == '"') return std::string(etag);
  return "\"" + std::string(etag) + "\"";
}

}  // namespace visionary::storage
