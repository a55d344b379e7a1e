// AUTOMATIC1111 txt2img answers: parse_txt2img_images on arbitrary text. An accepted answer has
// as many decoded images as the JSON has strings, each the base64 of its text.
#include <string>

#include "fuzz_check.hpp"
#include "providers/automatic1111_protocol.hpp"
#include "util/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace visionary;
  using fuzz::require;
  const std::string_view body = fuzz::as_text(data, size);
  const auto images = providers::parse_txt2img_images(body);
  const auto texts = providers::parse_txt2img_response(body);
  if (!images) {
    require(images.error().kind == error_kind::provider_error, "a bad answer is provider_error");
    return 0;
  }
  require(texts.has_value() && texts->size() == images->size() && !images->empty(),
          "one image per string of the answer");
  for (std::size_t i = 0; i < images->size(); ++i) {
    const std::string& text = (*texts)[i];
    const std::string encoded = util::base64_encode((*images)[i].bytes);
    require(text.ends_with(encoded), "an image is the decoded base64 of its text");
  }
  return 0;
}
