// The body of POST /v1/images/generations: api::parse_gateway_request, then
// core::validate_generation as the route does; the form of POST /v1/images/edits (the first line
// its Content-Type, then http::parse_multipart and api::parse_gateway_edit_form); plus the key
// list of VISIONARY_API_KEYS and the look-up of a presented key. An accepted body keeps OpenAI's
// ranges; a refusal is invalid_request.
#include "api/gateway_request.hpp"

#include <string>

#include "api/api_keys.hpp"
#include "core/model_catalog.hpp"
#include "fuzz_check.hpp"
#include "http/multipart.hpp"

namespace {

using namespace visionary;
using fuzz::require;

constexpr std::size_t max_prompt_chars = 1000;

void check_body(std::string_view text) {
  const auto request = api::parse_gateway_request(text);
  if (!request) {
    require(request.error().kind == error_kind::invalid_request, "a bad body is invalid_request");
    return;
  }
  require(request->partial_images >= 0 && request->partial_images <= api::max_partial_images,
          "partial_images is within OpenAI's range");
  require(!request->user || request->user->size() <= api::max_user_chars, "user is bounded");
  const auto capabilities = core::capabilities_for(core::provider_kind::openai, "gpt-image-1");
  if (auto validated = core::validate_generation(request->input, capabilities, max_prompt_chars))
    require(validated->n >= 1 && validated->n <= capabilities.max_n, "n is within range");
}

void check_edit_form(std::string_view text) {
  const auto content_type = fuzz::take_line(text);
  const auto boundary = http::multipart_boundary(content_type);
  if (!boundary) return;
  const auto parts =
      http::parse_multipart(text, *boundary, http::multipart_limits{16, 256, 512, 2048});
  if (!parts) return;
  const auto form = api::parse_gateway_edit_form(*parts);
  if (!form) {
    require(form.error().kind == error_kind::invalid_request, "a bad form is invalid_request");
    return;
  }
  require(form->form.source_upload.has_value(), "an accepted form has an image to edit");
  require(!form->form.source_id, "the gateway never takes a gallery id");
  require(1 + form->form.references.size() <= api::max_edit_image_files, "at most 16 images");
  require(
      form->answer.partial_images >= 0 && form->answer.partial_images <= api::max_partial_images,
      "partial_images is within OpenAI's range");
}

void check_keys(std::string_view text) {
  const auto table = api::api_key_table::parse(text);
  if (!table) {
    require(table.error().kind == error_kind::invalid_request, "a bad key list is invalid_request");
    return;
  }
  // Any text is looked up without failing, and finds no key when the table has none.
  const auto found = table->identify(text);
  require(!table->empty() || !found, "an empty table knows no key");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  check_body(text);
  check_edit_form(text);
  check_keys(text);
  return 0;
}
