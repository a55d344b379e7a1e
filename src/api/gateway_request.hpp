// The body of POST /v1/images/generations as OpenAI's Images API takes it: the generation's own
// fields (prompt, model, n, size, quality, style, background, output_format, output_compression,
// moderation, plus VisionaryAI's local-engine fields) and the answer's (response_format, stream,
// partial_images, user). JSON syntax and types only; values are checked against the model by
// core::validate_generation. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/validation.hpp"
#include "util/error.hpp"

namespace visionary::api {

enum class image_answer_format { b64_json, url };

// OpenAI's limits on the answer's own fields.
inline constexpr int max_partial_images = 3;
inline constexpr std::size_t max_user_chars = 256;

struct gateway_request {
  core::generation_input input;
  std::optional<image_answer_format> response_format;  // absent: the model's default
  bool stream = false;
  int partial_images = 0;  // in-between pictures a stream relays at most
  std::optional<std::string> user;
};

// invalid_request (naming the field) for a body that is not a JSON object, unknown fields and
// fields of the wrong type or outside OpenAI's ranges.
[[nodiscard]] outcome<gateway_request> parse_gateway_request(std::string_view body);

// OpenAI answers DALL-E models with a URL unless asked otherwise, and every other model with
// base64: the default for a catalogue entry.
[[nodiscard]] image_answer_format default_answer_format(std::string_view catalogue_id);

}  // namespace visionary::api
