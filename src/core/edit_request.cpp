#include "core/edit_request.hpp"

#include "imaging/image_codec.hpp"
#include "util/crypto.hpp"

namespace visionary::core {

namespace {

// invalid_request naming the form field at fault (OpenAI's clients read it as `param`).
app_error invalid(std::string_view field, std::string message) {
  return make_field_error(std::string(field), std::move(message));
}

outcome<void> check_fidelity(const edit_form& form, const model_capabilities& c,
                             generation_request& request) {
  if (!form.input_fidelity) return {};
  if (!c.input_fidelity)
    return invalid("input_fidelity",
                   "The model '" + request.model + "' does not take the 'input_fidelity' option.");
  if (!c.input_fidelity->allows(*form.input_fidelity))
    return invalid("input_fidelity", "Unsupported input_fidelity '" + *form.input_fidelity +
                                         "'. Choose low or high.");
  request.input_fidelity = form.input_fidelity;
  return {};
}

outcome<edit_image> check_image(std::string bytes, std::string_view field,
                                std::uint64_t max_pixels) {
  auto header = imaging::read_image_header(bytes, max_pixels);
  if (!header)
    return invalid(field, "The field '" + std::string(field) + "' " + header.error().message + ".");
  return edit_image{std::move(bytes), header->format, header->width, header->height};
}

outcome<void> check_mask(const edit_image& mask, const edit_image& source, bool has_alpha) {
  if (mask.format != "png" || !has_alpha)
    return invalid("mask",
                   "The mask must be a PNG with an alpha channel (transparent where the image "
                   "may change).");
  if (mask.width != source.width || mask.height != source.height)
    return invalid("mask", "The mask is " + std::to_string(mask.width) + "x" +
                               std::to_string(mask.height) + " but the image is " +
                               std::to_string(source.width) + "x" + std::to_string(source.height) +
                               "; they must be the same size.");
  return {};
}

std::string digest_of(const edit_inputs& inputs) {
  std::string all = util::sha256(inputs.source.bytes);
  all += inputs.mask ? util::sha256(inputs.mask->bytes) : std::string();
  for (const auto& reference : inputs.references) all += util::sha256(reference.bytes);
  return util::hex_encode(util::sha256(all));
}

}  // namespace

outcome<generation_request> validate_edit_fields(const edit_form& form, const model_menu& menu,
                                                 std::size_t max_prompt_chars) {
  if (form.source_id.has_value() == form.source_upload.has_value())
    return invalid("image",
                   "Send the field 'image' once: the id of a gallery image, or an image file.");
  generation_input fields = form.fields;
  const auto* chosen = fields.model ? menu.find(*fields.model) : &menu.default_model();
  if (chosen != nullptr && !fields.size && chosen->capabilities.size.allows("auto"))
    fields.size = "auto";
  auto request = validate_generation(fields, menu, max_prompt_chars);
  if (!request) return request.error();
  const auto& c = menu.find(request->model)->capabilities;
  if (!c.can_edit) {
    auto refused = make_error(error_kind::edit_not_supported,
                              "The model '" + request->model + "' cannot edit images.");
    refused.param = "model";
    return refused;
  }
  if (auto fidelity = check_fidelity(form, c, *request); !fidelity) return fidelity.error();
  const std::size_t images = 1 + form.references.size();
  if (images > std::size_t(c.max_edit_images))
    return invalid("reference", "The model '" + request->model + "' takes at most " +
                                    std::to_string(c.max_edit_images - 1) +
                                    " reference image(s) besides the image.");
  return request;
}

outcome<edit_inputs> check_edit_images(std::string source, std::optional<std::string> mask,
                                       std::vector<std::string> references,
                                       std::uint64_t max_pixels) {
  edit_inputs inputs;
  auto checked = check_image(std::move(source), "image", max_pixels);
  if (!checked) return checked.error();
  inputs.source = std::move(*checked);
  if (mask) {
    auto header = imaging::read_image_header(*mask, max_pixels);
    if (!header) return invalid("mask", "The field 'mask' " + header.error().message + ".");
    edit_image image{std::move(*mask), header->format, header->width, header->height};
    if (auto fits = check_mask(image, inputs.source, header->has_alpha); !fits) return fits.error();
    inputs.mask = std::move(image);
  }
  for (auto& bytes : references) {
    auto reference = check_image(std::move(bytes), "reference", max_pixels);
    if (!reference) return reference.error();
    inputs.references.push_back(std::move(*reference));
  }
  inputs.digest = digest_of(inputs);
  return inputs;
}

}  // namespace visionary::core
