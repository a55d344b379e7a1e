// A generation's settings as JSON under the request's own field names (model, size, quality,
// style, background, output_format, output_compression, moderation, negative_prompt, seed, steps,
// cfg_scale, sampler, checkpoint), so that what a job or an image stores is exactly what "Retry"
// and "Use these settings" send again. Absent settings are left out. Pure; thread-safe.
#pragma once

#include <boost/json.hpp>

#include "core/ports/image_provider.hpp"

namespace visionary::core {

[[nodiscard]] boost::json::object settings_json(const generation_request& request);
// Reads what settings_json() wrote; fields of the wrong type are skipped (stored data is trusted
// to be ours, but never crashes a reader).
void read_settings_json(const boost::json::object& settings, generation_request& request);

}  // namespace visionary::core
