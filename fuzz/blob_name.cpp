// Blob names and cursors: core::decode_cursor, api::split_blob_path, core::validate_blob_name and
// the image naming scheme (ids, image blob names, inverted times), with their round trips.
#include <string>

#include "api/blob_path.hpp"
#include "core/naming.hpp"
#include "fuzz_check.hpp"
#include "util/text.hpp"

namespace {

using namespace visionary;
using fuzz::require;

void check_cursor(std::string_view text) {
  if (auto marker = core::decode_cursor(text)) {
    require(core::encode_cursor(*marker) == text, "a decoded cursor re-encodes to itself");
  }
  const std::string encoded = core::encode_cursor(text);
  const auto decoded = core::decode_cursor(encoded);
  if (!text.empty() && util::is_valid_utf8(text) && encoded.size() <= 4096) {
    require(decoded.has_value() && *decoded == text, "an encoded marker decodes to itself");
  }
}

void check_blob_path(std::string_view text) {
  const auto split = api::split_blob_path(text);
  if (!split) return;
  const auto& [container, name] = *split;
  require(core::is_valid_container_name(container), "the container name is valid");
  require(core::validate_blob_name(name).has_value(), "the blob name is valid");
  // The path a link spells for the same blob splits to the same parts.
  const auto again = api::split_blob_path(container + "/" + util::percent_encode_path(name));
  require(again.has_value() && again->first == container && again->second == name,
          "an encoded blob path splits to the same container and name");
}

void check_image_names(std::string_view text) {
  if (const auto names = core::names_from_image_blob(text)) {
    const auto id = core::parse_image_id(names->id);
    require(id.has_value(), "an image blob's id parses");
    require(util::starts_with(text, core::image_blob_prefix(*id)),
            "an image blob lives under its id's prefix");
  }
  if (const auto id = core::parse_image_id(text)) {
    require(core::image_blob_prefix(*id).size() == core::image_prefix.size() + 14,
            "an id's prefix is images/ and 13 digits");
  }
  if (const auto time = core::time_from_inverted(text)) {
    require(core::inverted_millis(*time) == text, "an inverted time formats back to its digits");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  check_cursor(text);
  check_blob_path(text);
  check_image_names(text);
  if (core::validate_blob_name(text)) {
    require(!text.empty() && text.size() <= 1024, "a valid blob name is 1 to 1024 bytes");
  }
  return 0;
}
