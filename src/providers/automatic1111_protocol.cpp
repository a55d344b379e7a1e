#include "providers/automatic1111_protocol.hpp"

#include <boost/json.hpp>

#include "util/base64.hpp"

namespace visionary::providers {

namespace json = boost::json;

namespace {

app_error not_understood(std::string_view what) {
  return make_error(error_kind::provider_error,
                    "The AUTOMATIC1111 server sent an answer that could not be understood (" +
                        std::string(what) + ").");
}

}  // namespace

outcome<std::vector<std::string>> parse_txt2img_response(std::string_view body) {
  boost::system::error_code ec;
  const auto value = json::parse(body, ec);
  if (ec || !value.is_object()) return not_understood("not a JSON object");
  const auto* images = value.as_object().if_contains("images");
  if (!images || !images->is_array() || images->as_array().empty())
    return not_understood("no images");
  std::vector<std::string> out;
  for (const auto& image : images->as_array()) {
    if (!image.is_string()) return not_understood("an image is not a string");
    out.emplace_back(image.as_string());
  }
  return out;
}

outcome<std::vector<core::generated_image>> parse_txt2img_images(std::string_view body) {
  auto encoded = parse_txt2img_response(body);
  if (!encoded) return encoded.error();
  std::vector<core::generated_image> images;
  for (const auto& text : *encoded) {
    // Some servers prefix a data URL; the base64 starts after the comma.
    const auto comma = text.find(',');
    auto bytes = util::base64_decode(comma == std::string::npos ? text : text.substr(comma + 1));
    if (!bytes) {
      return make_error(error_kind::provider_error,
                        "The AUTOMATIC1111 server sent image data that is not valid base64.");
    }
    images.push_back(core::generated_image{std::move(*bytes), std::nullopt});
  }
  return images;
}

}  // namespace visionary::providers
