// The bodies of POST /v1/images/generations (JSON) and /v1/images/edits (multipart) as OpenAI's
// Images API takes them: the generation's own fields (prompt, model, n, size, quality, style,
// background, output_format, output_compression, moderation, plus VisionaryAI's local-engine
// fields) and the answer's (response_format, stream, partial_images, user); an edit adds its files
// and input_fidelity. Syntax and types only; values are checked against the model by
// core::validate_generation and core::validate_edit_fields. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/edit_request.hpp"
#include "core/validation.hpp"
#include "http/multipart.hpp"
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

// OpenAI's limit on the image files of one edit (`image[]` repeated).
inline constexpr std::size_t max_edit_image_files = 16;

struct gateway_edit_request {
  gateway_request answer;  // the answer's fields; its `input` stays empty (see form.fields)
  core::edit_form form;    // the first image is the source, the others its references
};

// The parts of an edit's form: `image` or `image[]` (image files, 1..16), `mask` (a file),
// input_fidelity and the other fields as text. `image` sent as text is refused: OpenAI's callers
// send files (gallery images are edited through /api/editImage). invalid_request naming the field
// for a file that is not PNG, JPEG or WebP by its bytes, an unexpected file, a field sent twice.
[[nodiscard]] outcome<gateway_edit_request> parse_gateway_edit_form(
    const std::vector<http::multipart_part>& parts);

// OpenAI answers DALL-E models with a URL unless asked otherwise, and every other model with
// base64: the default for a catalogue entry.
[[nodiscard]] image_answer_format default_answer_format(std::string_view catalogue_id);

}  // namespace visionary::api
