// The JSON body of POST /api/generateImage read into the fields of a generation request: JSON
// syntax, the accepted field names and their types. Pure function; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/validation.hpp"
#include "util/error.hpp"

namespace visionary::api {

inline constexpr std::string_view accepted_generation_fields =
    "prompt, model, size, quality, style, background, output_format, output_compression, "
    "moderation, negative_prompt, seed, steps, cfg_scale, denoising_strength, sampler, checkpoint, "
    "n";

// invalid_request for text that is not a JSON object, unknown fields and fields of the wrong type.
// The values themselves are checked by core::validate_generation.
[[nodiscard]] outcome<core::generation_input> parse_generation_json(std::string_view body);
// The same for an object already parsed (the OpenAI-compatible gateway takes its own fields out
// first).
[[nodiscard]] outcome<core::generation_input> read_generation_object(
    const boost::json::object& fields);

// The same fields sent as form text (a multipart edit): numbers written out as text. A field sent
// twice is invalid_request.
using form_fields = std::vector<std::pair<std::string, std::string>>;
[[nodiscard]] outcome<core::generation_input> parse_generation_fields(const form_fields& fields);

}  // namespace visionary::api
