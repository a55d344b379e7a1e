// Reading an AUTOMATIC1111 txt2img answer: the JSON text into decoded images, or an error value.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "util/error.hpp"

namespace visionary::providers {

// The base64 PNGs of a txt2img answer; provider_error when it is not one.
[[nodiscard]] outcome<std::vector<std::string>> parse_txt2img_response(std::string_view body);

// The images of a txt2img answer, decoded (a data-URL prefix before the base64 is skipped);
// provider_error when the answer is not one or an image is not valid base64.
[[nodiscard]] outcome<std::vector<core::generated_image>> parse_txt2img_images(
    std::string_view body);

}  // namespace visionary::providers
