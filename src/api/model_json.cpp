#include "api/model_json.hpp"

#include "core/validation.hpp"

namespace visionary::api {

namespace json = boost::json;

namespace {

json::value option_json(const core::option_values& option) {
  json::array values;
  for (const auto& v : option.values) values.emplace_back(v);
  return json::object{{"values", std::move(values)}, {"default", option.default_value}};
}

json::object range_json(const core::number_range& range) {
  return json::object{{"min", range.min}, {"max", range.max}, {"default", range.default_value}};
}

json::object size_json(const core::model_capabilities& caps) {
  auto size = option_json(caps.size).as_object();
  if (const auto& rule = caps.custom_size) {
    size["custom"] =
        json::object{{"multipleOf", rule->multiple_of}, {"minEdge", rule->min_edge},
                     {"maxEdge", rule->max_edge},       {"minPixels", rule->min_pixels},
                     {"maxPixels", rule->max_pixels},   {"maxAspect", rule->max_aspect}};
  }
  return size;
}

json::value choice_list(const std::vector<std::string>& names) {
  json::array values;
  for (const auto& name : names) values.emplace_back(name);
  return json::object{{"values", std::move(values)}};
}

void add_engine_controls(json::object& options, const core::engine_controls& controls,
                         const engine_choices& choices) {
  if (controls.negative_prompt)
    options["negativePrompt"] = json::object{{"maxChars", core::max_negative_prompt_chars}};
  if (controls.seed) options["seed"] = json::object{{"min", 0}, {"max", core::max_seed}};
  if (controls.steps) options["steps"] = range_json(*controls.steps);
  if (controls.cfg_scale) options["cfgScale"] = range_json(*controls.cfg_scale);
  if (controls.denoising_strength)
    options["denoisingStrength"] = range_json(*controls.denoising_strength);
  if (controls.sampler) options["sampler"] = choice_list(choices.samplers);
  if (controls.checkpoint) options["checkpoint"] = choice_list(choices.checkpoints);
}

}  // namespace

json::object options_json(const core::model_capabilities& caps, std::size_t max_prompt_chars,
                          const engine_choices& choices) {
  json::object options{{"size", size_json(caps)},
                       {"n", json::object{{"min", 1}, {"max", caps.max_n}, {"default", 1}}},
                       {"promptMaxChars", core::prompt_limit(caps, max_prompt_chars)},
                       {"canEdit", caps.can_edit}};
  if (caps.can_edit) options["maxEditImages"] = caps.max_edit_images;
  const std::pair<const char*, const std::optional<core::option_values>*> choices_of[] = {
      {"quality", &caps.quality},       {"style", &caps.style},
      {"background", &caps.background}, {"outputFormat", &caps.output_format},
      {"moderation", &caps.moderation}, {"inputFidelity", &caps.input_fidelity}};
  for (const auto& [name, option] : choices_of) {
    if (*option) options[name] = option_json(**option);
  }
  if (caps.output_compression)
    options["outputCompression"] = json::object{{"min", 0}, {"max", 100}, {"default", 100}};
  add_engine_controls(options, caps.controls, choices);
  return options;
}

json::array models_json(const core::model_menu& menu, std::size_t max_prompt_chars,
                        const engine_choices& choices) {
  json::array models;
  for (const auto& model : menu.models()) {
    models.push_back(
        json::object{{"name", model.name},
                     {"label", model.capabilities.label},
                     {"default", &model == &menu.default_model()},
                     {"options", options_json(model.capabilities, max_prompt_chars, choices)}});
  }
  return models;
}

}  // namespace visionary::api
