// Reading AUTOMATIC1111 answers: a txt2img answer into decoded images, a progress answer into how
// far the running job is; malformed answers are error values. Pure functions; thread-safe.
#pragma once

#include <optional>
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

// GET /sdapi/v1/progress: how far the server's current job is (the server's, not a request's: it
// runs one job at a time).
struct a1111_progress {
  double fraction = 0;                // `progress`, 0..1
  std::optional<int> step;            // state.sampling_step
  std::optional<int> steps;           // state.sampling_steps
  std::optional<double> eta_seconds;  // eta_relative
  std::string current_image;          // base64 of the picture so far (a data-URL prefix
                                      // removed); empty when there is none
  bool busy = false;                  // a job runs (state.job_count > 0, or progress under way)
};

// provider_error when the answer is not a progress object.
[[nodiscard]] outcome<a1111_progress> parse_progress_response(std::string_view body);

}  // namespace visionary::providers
