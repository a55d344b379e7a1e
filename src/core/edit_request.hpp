// An image edit as it arrives at the edge (fields and raw files) and the checks it passes before
// anything is spent: the generation's own checks, a model that edits, input_fidelity where the
// model has it, at most the model's maxEditImages input images, and every image a PNG, JPEG or
// WebP within the pixel limit, the mask a PNG with alpha of the source's size (a mask of another
// size is refused, not resized). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/validation.hpp"

namespace visionary::core {

struct edit_form {
  generation_input fields;
  std::optional<std::string> input_fidelity;
  std::optional<std::string> source_id;      // `image` as the id of a gallery image
  std::optional<std::string> source_upload;  // `image` as an uploaded file
  std::optional<std::string> mask;
  std::vector<std::string> references;
};

// Everything but the images' contents. Without a size, "auto" when the model offers it (the
// source's own proportions), else the model's default.
[[nodiscard]] outcome<generation_request> validate_edit_fields(const edit_form& form,
                                                               const model_menu& menu,
                                                               std::size_t max_prompt_chars);

// The images, read from their headers (blocking: libvips); the error names the field.
[[nodiscard]] outcome<edit_inputs> check_edit_images(std::string source,
                                                     std::optional<std::string> mask,
                                                     std::vector<std::string> references,
                                                     std::uint64_t max_pixels);

}  // namespace visionary::core
