// Reading AUTOMATIC1111 answers: a txt2img answer into decoded images, a progress answer into how
// far the running job is; malformed answers are error values. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ports/image_provider.hpp"
#include "util/error.hpp"

namespace visionary::providers {

// The model name reported when no checkpoint is configured (the server uses the one it has loaded).
inline constexpr std::string_view default_a1111_model = "stable-diffusion";

// The base64 PNGs of a txt2img answer; provider_error when it is not one.
[[nodiscard]] outcome<std::vector<std::string>> parse_txt2img_response(std::string_view body);

// The images of a txt2img answer, decoded (a data-URL prefix before the base64 is skipped), each
// with the seed the server really used when its `info` says (all_seeds, or seed for one image);
// provider_error when the answer is not one or an image is not valid base64.
[[nodiscard]] outcome<std::vector<core::generated_image>> parse_txt2img_images(
    std::string_view body);

// The seeds a txt2img answer's `info` (a JSON text inside the JSON) reports, one per image in
// order; empty when it reports none that can be trusted.
[[nodiscard]] std::vector<std::int64_t> seeds_of_info(std::string_view info, std::size_t images);

// GET /sdapi/v1/samplers ([{name, aliases, options}]) and GET /sdapi/v1/sd-models
// ([{title, model_name, hash, filename}]): the names to offer (a checkpoint by its title, which
// the server's override accepts). At most max_listed_choices, each a short printable name;
// provider_error when the answer is not such a list.
inline constexpr std::size_t max_listed_choices = 200;
[[nodiscard]] outcome<std::vector<std::string>> parse_sampler_list(std::string_view body);
[[nodiscard]] outcome<std::vector<std::string>> parse_checkpoint_list(std::string_view body);

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
